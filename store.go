package ziping

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Unit levels, top down.
const (
	LevelProvince = "province"
	LevelCity     = "city"
	LevelCounty   = "county"
	LevelSchool   = "school"
)

// OrgUnit is a node of the organisation tree: province → city → county → school.
// Path is the materialised path of ids from the root, "/1/4/17/", so that a subtree
// is one prefix query in both databases.
type OrgUnit struct {
	ID       int64
	Code     string // official code: 6 digits for divisions, the school code for schools
	Name     string
	Level    string
	ParentID int64 // 0 for a root
	Path     string
}

// InSubtree reports whether u lies in the subtree rooted at root (root included).
func (u *OrgUnit) InSubtree(root *OrgUnit) bool {
	return root != nil && len(u.Path) >= len(root.Path) && u.Path[:len(root.Path)] == root.Path
}

// Roles.
const (
	RoleAdmin    = "admin"    // everything
	RoleReviewer = "reviewer" // 督导: reads and reviews the subtree of its scope
	RoleFiller   = "filler"   // fills in the data of its scope unit (and below it)
	RoleViewer   = "viewer"   // reads its scope subtree
)

// User is a person who signs in. Scope is the unit whose subtree the user may see;
// admins have none.
type User struct {
	ID           int64
	Username     string
	Name         string
	PasswordHash string // argon2id, PHC string format
	Role         string
	ScopeID      int64
	FailedLogins int
	LockedUntil  time.Time // zero when not locked
	Disabled     bool
	CreatedAt    time.Time
}

// Session is a signed-in browser. Only a hash of its token is stored, so that a
// copy of the database does not hand out sessions.
type Session struct {
	TokenHash string
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
	IP        string
}

// StoredFramework is a framework file kept in the store, versioned.
type StoredFramework struct {
	ID        string // framework id, e.g. lxzz-county
	Version   string
	Name      string
	Source    []byte // the YAML as written
	Builtin   bool
	CreatedAt time.Time
	CreatedBy int64
}

// Batch is one import: who brought which file's rows for which period. Rows of a
// batch are seen all together or not at all: a batch is written pending, in short
// transactions, and its last transaction makes it done (visible).
type Batch struct {
	ID        int64
	Period    int
	File      string
	SHA256    string
	Schools   int // rows written
	Facts     int
	UserID    int64
	CreatedAt time.Time
	State     string // BatchPending, BatchDone or BatchAbandoned
	UploadID  string // the web upload it imported; empty for others
}

// Batch states.
const (
	BatchPending   = "pending"
	BatchDone      = "done"
	BatchAbandoned = "abandoned"
)

// SchoolRecord is one school row of a period (one stage of a school), with its
// numbers by element id (engine.SchoolElements).
type SchoolRecord struct {
	UnitID  int64 // the county the school belongs to
	Period  int
	Code    string
	Name    string
	Stage   string // 小学, 初中, 高中
	Type    string // 学校类别
	Public  bool
	Row     int // source row, for explanations
	Values  map[string]float64
	BatchID int64
}

// FactRecord is a unit's facts of a period, by element id (engine.UnitElements).
type FactRecord struct {
	UnitID  int64
	Period  int
	Values  map[string]float64
	BatchID int64
}

// SchoolQuery selects school rows for a table page. Period 0 means every period;
// Limit 0 means no limit. Search matches code or name, case-insensitively for ASCII.
type SchoolQuery struct {
	UnitIDs []int64 // counties; empty: none
	Period  int
	Code    string // this school's rows only
	Search  string // in code or name
	Stage   string
	Sort    string // code, name, stage, students; "-" prefix for descending
	Offset  int
	Limit   int
	NoTotal bool // the caller knows the total: 0 comes back, and the rows are not counted
}

// AuditEntry is one line of the append-only audit trail. Hash is an HMAC-SHA256
// (SHA-256 in chains older than the audit key) over the previous entry's hash and
// this entry's fields, so that any change to a past entry breaks the chain from
// there on (audit.go).
type AuditEntry struct {
	Seq      int64
	At       time.Time
	UserID   int64
	Username string
	IP       string
	Action   string // login, login_failed, import, data_edit, user_add, framework_save, ...
	Object   string // what it acted on: "batch:12", "user:3", "school:9901020001/小学"
	UnitID   int64
	Old      string // JSON, empty when none
	New      string
	PrevHash string
	Hash     string
}

// AuditQuery filters the audit trail. From is inclusive, To exclusive; Limit 0 means
// 100.
type AuditQuery struct {
	UnitPath string // entries whose unit lies in this subtree; empty: all
	UserID   int64
	From, To time.Time
	Limit    int
	Before   int64  // Seq < Before, for paging back; 0: from the newest
	Action   string // entries of this action only; empty: all
}

// Store is what ziping keeps. SQLite and PostgreSQL implement it and the storetest
// suite holds them to the same behaviour. A Store persists and translates errors
// (not found → NotFound, unique violation → Conflict); it never decides who may do
// what: authorization lives in the services above it.
//
// Conventions both stores keep: a zero CreatedAt is stored as now; times come back in
// UTC at microsecond precision; Users are ordered by id; the latest framework is the
// one saved last; Periods are the periods that have rows; DeleteSession of a missing
// session is NotFound; CreateBatch writes BatchID and Period into the records given.
type Store interface {
	// Tx runs fn in one transaction: everything fn writes through tx is committed
	// together, or nothing when fn returns an error. A Tx inside a Tx reuses the
	// outer transaction (an inner error swallowed by the outer fn does not undo the
	// inner writes). The tx store is one connection: do not share it between
	// goroutines. Append audit entries last in a Tx: the audit lock is held until
	// commit, and every instance's audit writes wait for it.
	Tx(ctx context.Context, fn func(tx Store) error) error

	CreateUnit(ctx context.Context, u *OrgUnit) error // sets ID and Path
	Unit(ctx context.Context, id int64) (*OrgUnit, error)
	UnitByCode(ctx context.Context, code string) (*OrgUnit, error)
	UnitsByCode(ctx context.Context, codes []string) ([]OrgUnit, error)              // those that exist, ordered by code
	Subtree(ctx context.Context, root *OrgUnit, levels ...string) ([]OrgUnit, error) // root included, ordered by path

	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id int64) (*User, error)
	UserByName(ctx context.Context, username string) (*User, error)
	UpdateUser(ctx context.Context, u *User) error
	Users(ctx context.Context) ([]User, error)

	CreateSession(ctx context.Context, s *Session) error
	Session(ctx context.Context, tokenHash string) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	SaveFramework(ctx context.Context, f *StoredFramework) error                 // Conflict when id+version exists
	Framework(ctx context.Context, id, version string) (*StoredFramework, error) // "" version: the latest
	Frameworks(ctx context.Context) ([]StoredFramework, error)                   // latest version of each
	FrameworkStore

	// CreateBatch records a batch and writes its rows, replacing the rows of the
	// same schools (code+stage) and units for the period. Call it inside Tx with the
	// audit entry so that a crash leaves nothing behind.
	CreateBatch(ctx context.Context, b *Batch, schools []SchoolRecord, facts []FactRecord) error
	Schools(ctx context.Context, q SchoolQuery) ([]SchoolRecord, int, error) // rows, total matching
	Facts(ctx context.Context, unitIDs []int64, period int) ([]FactRecord, error)
	Periods(ctx context.Context) ([]int, error)
	// DataVersion changes whenever school rows or facts change (it is the newest
	// batch's id: every data change is a batch, and batches are never removed), so
	// that loaded data can be cached and still be seen to go stale by any instance.
	DataVersion(ctx context.Context) (int64, error)

	AuditStore
	AssessmentStore
	ReportStore
	NoticeStore
	DueDateStore
	BatchStore
	LoginStore
	JobStore
	UploadStore
	SurveyStore

	SchemaVersion(ctx context.Context) (int, error)
	Close() error
}

// SchoolSorts are the sort keys SchoolQuery.Sort accepts (with "-" for descending).
var SchoolSorts = []string{"code", "name", "stage", "students"}

// ParseSchoolSort splits a SchoolQuery.Sort into its key ("code" when empty) and
// direction; an unknown key is Invalid. Both stores order by the key, rows without a
// value last either way, then by code, stage and period so that paging is stable.
func ParseSchoolSort(sort string) (key string, desc bool, err error) {
	key, desc = strings.CutPrefix(sort, "-")
	if key == "" {
		key = "code"
	}
	if !slices.Contains(SchoolSorts, key) {
		return "", false, Errorf(Invalid, "不能按「%s」排序", sort)
	}
	return key, desc, nil
}
