package synth

import (
	"math/rand/v2"
	"strings"
)

// Character tables for generated names. Every character is a three-byte UTF-8 CJK
// character, so the i-th one is s[3i:3i+3] without decoding. stemFirst and stemSecond
// share no character, so a two-character stem never doubles one.
const (
	stemFirst = "青临安永长新泰文武金玉清白云龙凤桃石柳松华兴顺嘉宜广高双红黄汉吉庆瑞延万怀" +
		"东西南北中大古仁信义礼博崇富贵荣盛鸿鹤鹿马乌蓝紫银铜铁凌雁春秋夏桂兰梅竹" +
		"杏枣福寿"
	stemSecond = "山川河江湖水城阳平宁丰源泉林溪州田台原岭峰桥口沙滨海浦谷坪庄湾陵都昌化远" +
		"定德和康乐明关门塘渡池坡岗洲屏岩峪埠集店堡寨营圩坝冈丘津塔亭洋泽沟坊垣"
	surnames = "王李张刘陈杨赵周吴徐孙朱胡郭何罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕" +
		"苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪任姜范方姚谭廖邹熊"
	// brands are two-character names of the kind private and newer schools take.
	brands = "育才明德启明英才博文崇文新华阳光东方致远弘毅培英育英树人立德求真尚美启智正德" +
		"思源行知敏行博雅笃行精诚卓越光华华英益民春晖朝阳晨曦星海睿智慧源文华翰林书香德才"
)

func char(s string, i int) string { return s[3*i : 3*i+3] }

func nchars(s string) int { return len(s) / 3 }

// stemCount is the number of distinct two-character stems.
func stemCount() int { return nchars(stemFirst) * nchars(stemSecond) }

// stem returns place-name stem i. Stems 0..stemCount()-1 have two characters; beyond
// that a third character keeps them distinct.
func stem(i int) string {
	n := stemCount()
	q, r := i/n, i%n
	s := char(stemFirst, r/nchars(stemSecond)) + char(stemSecond, r%nchars(stemSecond))
	if q > 0 {
		s += char(stemSecond, (q-1)%nchars(stemSecond))
	}
	return s
}

// village returns village stem i: a surname with 家 for the first ones, then place
// stems, so villages of a county read like 王家 and 青山.
func village(i int) string {
	n := nchars(surnames)
	if i < n {
		return char(surnames, i) + "家"
	}
	return stem(i - n)
}

func villageCount() int { return nchars(surnames) + stemCount() }

// brand returns brand i, numbered when the list runs out so that it stays unique.
func brand(i int) string {
	n := nchars(brands) / 2
	b := brands[6*(i%n) : 6*(i%n)+6]
	if i >= n {
		b += "第" + chineseNumber(i/n+1)
	}
	return b
}

// perm is a permutation of 0..n-1 (k ↦ a·k+b mod n with a prime to n): a cheap way to
// draw distinct names without a set.
type perm struct{ a, b, n uint64 }

func newPerm(r *rand.Rand, n int) perm {
	p := perm{n: uint64(max(n, 1))}
	for {
		p.a = 1 + r.Uint64N(p.n)
		if gcd(p.a, p.n) == 1 {
			break
		}
	}
	p.b = r.Uint64N(p.n)
	return p
}

func (p perm) at(k int) int { return int((p.a*(uint64(k)%p.n) + p.b) % p.n) }

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

const digits = "零一二三四五六七八九"

// chineseNumber writes 1..9999 the way school names count: 第二, 第十一, 第一百零三.
func chineseNumber(n int) string {
	if n <= 0 || n > 9999 {
		return ""
	}
	var b strings.Builder
	units := [4]string{"千", "百", "十", ""}
	div := 1000
	zero := false
	for i := range 4 {
		d := n / div % 10
		div /= 10
		switch {
		case d == 0:
			zero = b.Len() > 0
		default:
			if zero {
				b.WriteString("零")
				zero = false
			}
			// 十一, not 一十一, when the number starts with the tens.
			if !(d == 1 && i == 2 && b.Len() == 0) {
				b.WriteString(char(digits, d))
			}
			b.WriteString(units[i])
		}
	}
	return b.String()
}
