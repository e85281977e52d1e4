package web

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"ziping"
)

// The audit trail in words: actions, the objects they acted on and the fields of
// what changed, in Chinese. The raw record (action, object, JSON) stays one click
// away behind a toggle, for the auditor who needs it.

// actionNames are the audit actions in Chinese: every action the services write.
var actionNames = map[string]string{
	"login": "登录", "login_failed": "登录失败", "logout": "退出登录", "sessions_ended": "结束登录会话",
	"import": "导入数据", "data_edit": "修改数据", "unit_add": "添加单位", "school_move": "调整学校所属区县",
	"user_add": "添加用户", "user_password": "修改密码", "user_password_failed": "修改密码失败", "user_password_reset": "重置密码",
	"user_disable": "停用用户", "user_enable": "启用用户", "user_update": "修改用户", "user_scope": "修改用户管辖范围", "user_unlock": "解锁用户",
	"audit_key": "启用审计密钥", "restore": "恢复数据库",
	"framework_save": "保存评价体系", "framework_period": "选定评价体系适用版本",
	"assessment_start": "开始自评", "assessment_submitted": "提交自评", "assessment_resubmitted": "重新提交自评",
	"assessment_returned": "退回自评", "assessment_return": "退回自评", "assessment_accept": "复核通过", "assessment_reviewed": "复核通过",
	"assessment_publish": "公布评价结果", "assessment_published": "公布评价结果", "assessment_withdraw": "撤回提交",
	"assessment_withdrawn": "撤回提交", "assessment_unpublish": "撤回公布", "assessment_unpublished": "撤回公布",
	"assessment_recompute": "重新计算", "assessment_confirm_all": "全部确认沿用项",
	"score_self": "自评评分", "score_review": "复核评分",
	"evidence_add": "上传证明材料", "evidence_remove": "删除证明材料", "evidence_confirm": "确认沿用证明材料",
	"report_save": "保存自评报告", "report_submit": "提交自评报告",
	"problem_add": "添加整改问题", "problem_update": "更新整改问题", "problem_assign": "分配整改责任",
	"questionnaire_save": "保存调查问卷", "survey_round_create": "创建调查", "survey_round_status": "调查状态变更",
	"survey_import": "导入调查答卷", "survey_tokens": "生成调查答题码", "survey_exclude": "剔除存疑答卷", "survey_include": "恢复存疑答卷",
	"notice_save": "保存通报", "notice_publish": "发布通报", "result_notice_save": "保存评价结果通报",
	"score_confirm": "确认沿用评分", "problem_data_gap": "整改问题改为数据缺失",
	"due_date_save": "设置自评截止日期",
}

// actionName is an action in Chinese; one without a name (a new action, before its
// name is added here) is said to be an operation, never shown as the raw word.
func actionName(a string) string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return "其他操作"
}

// fieldNames are the fields of the audit records' details in Chinese.
var fieldNames = map[string]string{
	"point": "测评点", "points": "测评点", "justification": "理由", "status": "状态", "note": "说明", "description": "问题描述",
	"measures": "整改措施", "owner": "责任单位", "source": "来源", "file": "文件", "sha256": "文件校验码", "doc_number": "文号",
	"problem": "整改问题", "size": "大小", "title": "标题", "checked": "勾选项", "deadline": "完成时限", "triggered": "是否触发",
	"score": "得分", "version": "版本", "period": "年度", "copied": "沿用上一年度", "framework": "评价体系", "from": "沿用自",
	"bytes": "字数", "round": "轮次", "snapshot": "快照", "warnings": "提示", "grade": "等次", "problems": "整改问题数",
	"total": "总分", "verdict": "结论", "name": "姓名", "level": "级别", "code": "代码", "builtin": "内置", "id": "标识",
	"role": "角色", "scope": "管辖范围", "username": "用户名", "facts": "区县数据", "school_units_added": "新建学校单位",
	"schools": "学校数据行", "key_id": "密钥编号", "codes": "代码", "links": "链接数", "questionnaire": "问卷", "sample": "样本量",
	"reason": "原因", "disabled": "已停用", "rows": "数据行", "to": "调入", "sessions": "会话", "count": "数量",
	"tokens": "答题码", "response": "答卷", "responses": "答卷", "decision": "处理", "group": "群体", "key": "键",
	"max": "满分", "side": "评分方", "evidence": "证明材料", "confirmed": "已确认", "removed": "已删除", "schools_moved": "调整学校",
	"unit": "单位", "units": "单位", "assessment": "自评", "issuer": "发文单位", "date": "日期", "number": "文号",
	"sessions_ended": "结束的会话", "added": "新增", "batch": "导入批次", "clear": "清除", "detail": "明细", "diff": "差异",
	"failed_logins": "连续输错次数", "locked": "已锁定", "locked_until": "锁定至", "previous": "原值", "trusted_device": "已登录过的浏览器",
	"upload": "上传文件", "values": "数值", "include": "计入", "exclude": "剔除",
	"recipient": "主送单位", "issued_on": "成文日期", "data_gap": "数据缺失", "published_at": "公布时间",
	"due": "自评截止日期",
}

// fieldName is a field in Chinese ("字段" when it has none yet).
func fieldName(k string) string {
	if n, ok := fieldNames[k]; ok {
		return n
	}
	return "其他字段"
}

// auditField is one line of an entry's details: a field and its value.
type auditField struct{ Name, Value string }

// auditFields reads a record's JSON detail as fields in Chinese, in a stable order;
// a value that is no JSON object is one field 内容.
func (s *Server) auditFields(raw string) []auditField {
	if raw == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		var v any
		if json.Unmarshal([]byte(raw), &v) != nil {
			return []auditField{{"内容", raw}}
		}
		return []auditField{{"内容", s.auditValue("", v)}}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]auditField, 0, len(keys))
	for _, k := range keys {
		out = append(out, auditField{fieldName(k), s.auditValue(k, m[k])})
	}
	return out
}

// auditValue is a detail's value as words: states, roles, levels and frameworks by
// their Chinese names, lists joined, sizes in KB/MB.
func (s *Server) auditValue(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return "是"
		}
		return "否"
	case float64:
		switch key {
		case "size", "bytes":
			return fileSize(int64(x))
		case "problem", "from", "snapshot":
			if x == 0 {
				return "无"
			}
		}
		return num(x)
	case string:
		return s.auditWord(key, x)
	case []any:
		if key == "checked" {
			return fmt.Sprintf("%d项", len(x))
		}
		if len(x) == 0 {
			return "无"
		}
		parts := make([]string, 0, len(x))
		for i, e := range x {
			if i == 20 {
				parts = append(parts, fmt.Sprintf("等%d项", len(x)))
				break
			}
			parts = append(parts, s.auditValue(key, e))
		}
		return strings.Join(parts, "、")
	case map[string]any:
		if len(x) == 0 {
			return "无"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			name := k
			if key != "points" && key != "copied" {
				name = fieldName(k)
			}
			parts = append(parts, name+"："+s.auditValue(k, x[k]))
		}
		return strings.Join(parts, "；")
	}
	return fmt.Sprint(v)
}

// auditWord is a string value in words.
func (s *Server) auditWord(key, v string) string {
	switch key {
	case "status":
		if n, ok := ziping.StatusNames[v]; ok {
			return n
		}
		if n, ok := ziping.ProblemStatusNames[v]; ok {
			return n
		}
	case "role":
		return roleName(v)
	case "level":
		return levelName(v)
	case "source":
		switch v {
		case ziping.SourceDeduction:
			return "测评点扣分"
		case ziping.SourceFinding:
			return "复核发现"
		}
	case "framework", "id", "questionnaire":
		id, _, _ := strings.Cut(v, "@")
		if p := s.programs[id]; p != nil {
			return p.FW.Name
		}
	case "side":
		if v == ziping.SideSelf {
			return "自评"
		}
		return "复核"
	}
	return v
}

// fileSize is a size in bytes as people read it: 29 字节, 3.2 KB, 12.5 MB.
func fileSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " 字节"
	case n < 1024*1024:
		return strings.TrimSuffix(strconv.FormatFloat(float64(n)/1024, 'f', 1, 64), ".0") + " KB"
	default:
		return strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64), ".0") + " MB"
	}
}

// auditObject names what an entry acted on: 「铜水区2024年度履职评价自评 · 测评点3」
// rather than assessment:2/point:3. Names are looked up once a page (cache).
func (s *Server) auditObject(ctx context.Context, cache map[string]string, object string) string {
	if object == "" {
		return ""
	}
	if n, ok := cache[object]; ok {
		return n
	}
	if rest, ok := strings.CutPrefix(object, "notice:"); ok {
		// notice:AREA/FRAMEWORK/PERIOD: the results notice of an area.
		parts := strings.SplitN(rest, "/", 3)
		n := "评价结果通报"
		if len(parts) == 3 {
			area := parts[0]
			if u, err := s.svc.Store.UnitByCode(ctx, area); err == nil {
				area = u.Name
			}
			fw := s.fwName(parts[1])
			if !strings.HasSuffix(fw, "评价") {
				fw += "评价"
			}
			n = area + parts[2] + "年度" + fw + "结果通报"
		}
		cache[object] = n
		return n
	}
	if rest, ok := strings.CutPrefix(object, "due:"); ok {
		// due:UNIT/FRAMEWORK/PERIOD: the self-evaluation due date set on a unit.
		n := "自评截止日期"
		if parts := strings.SplitN(rest, "/", 3); len(parts) == 3 {
			unit := parts[0]
			if u, err := s.svc.Store.UnitByCode(ctx, unit); err == nil {
				unit = u.Name
			}
			n = unit + parts[2] + "年度" + s.fwName(parts[1]) + "自评截止日期"
		}
		cache[object] = n
		return n
	}
	if rest, ok := strings.CutPrefix(object, "school:"); ok {
		// school:CODE/STAGE: a school's row of one stage.
		n := s.auditSegment(ctx, cache, "school", rest)
		cache[object] = n
		return n
	}
	var parts []string
	for _, seg := range strings.Split(object, "/") {
		kind, val, _ := strings.Cut(seg, ":")
		parts = append(parts, s.auditSegment(ctx, cache, kind, val))
	}
	n := strings.Join(parts, " · ")
	cache[object] = n
	return n
}

func (s *Server) auditSegment(ctx context.Context, cache map[string]string, kind, val string) string {
	id, _ := strconv.ParseInt(val, 10, 64)
	switch kind {
	case "assessment":
		key := "assessment:" + val
		if n, ok := cache[key]; ok {
			return n
		}
		n := "第" + val + "号自评"
		if as, err := s.svc.Assess.Store.Assessment(ctx, id); err == nil {
			fw := as.Framework
			if p := s.programs[as.Framework]; p != nil {
				fw = p.FW.Name
			}
			unit := ""
			if u, err := s.svc.Store.Unit(ctx, as.UnitID); err == nil {
				unit = u.Name
			}
			n = fmt.Sprintf("%s%d年度%s自评", unit, as.Period, fw)
		}
		cache[key] = n
		return n
	case "point":
		return pointLabel(val)
	case "evidence":
		return "证明材料" + val
	case "report":
		return "自评报告"
	case "problem":
		return "整改问题" + val
	case "user":
		return "用户 " + val
	case "unit", "school":
		code, stage, _ := strings.Cut(val, "/")
		n := "单位 " + code
		if u, err := s.svc.Store.UnitByCode(ctx, code); err == nil {
			n = u.Name
		}
		if stage != "" {
			n += "（" + stage + "）"
		}
		return n
	case "units":
		return "批量添加的" + levelName(val) + "单位"
	case "batch":
		return "第" + val + "批导入"
	case "framework", "questionnaire":
		fid, version, _ := strings.Cut(val, "@")
		n := fid
		if p := s.programs[fid]; p != nil {
			n = p.FW.Name
		} else if kind == "questionnaire" {
			n = "调查问卷"
		}
		if version != "" {
			n += "（" + version + "版）"
		}
		return n
	case "period":
		return val + "年度"
	case "survey":
		return "第" + val + "号社会认可度调查"
	case "audit":
		return "审计日志"
	case "link":
		return "调查链接" + val
	case "response":
		return "答卷" + val
	}
	if kind == "" {
		return val
	}
	return "记录"
}

// auditUser is who did an entry: the user's name, or 系统 for the program itself
// (imports at setup, the demo, recomputes).
func auditUser(e ziping.AuditEntry) string {
	if e.UserID == 0 && (e.Username == "system" || e.Username == "") {
		return "系统"
	}
	return e.Username
}

// zoneLabel says what zone times are shown in: 北京时间 for China's, else its name.
func zoneLabel(z *time.Location) string {
	if n := z.String(); n != ziping.DefaultZone && n != "CST" && n != "Asia/Chongqing" {
		return "时区 " + n
	}
	return "北京时间"
}
