// Package demo loads a demonstration agency into an empty database: a
// provincial Department of Education and Training (Sở GDĐT) with its
// divisions, a few staff per role, and the real education procedures.
package demo

import (
	"context"
	_ "embed"
	"fmt"
	"io"

	"dunghan/internal/agency"
	"dunghan/internal/auth"
	"dunghan/internal/procedure"
	"dunghan/internal/store"
)

// Procedures is the embedded copy of shared/data/procedures-education.json
// (facts: codes, names, durations). A test keeps it in sync.
//
//go:embed procedures-education.json
var Procedures []byte

// Password is the password of every demo account. It is printed at start.
const Password = "dunghan-demo"

// AgencyCode is the national unit identifier of the demo agency.
const AgencyCode = "000.00.08.H44"

// Seeder is what the demo needs of the store.
type Seeder interface {
	CreateAgency(ctx context.Context, a agency.Agency) (agency.Agency, error)
	CreateUnit(ctx context.Context, agencyID string, u agency.Unit) (agency.Unit, error)
	CreateUser(ctx context.Context, u auth.User) (auth.User, error)
	ImportProcedures(ctx context.Context, agencyID string, procs []procedure.Procedure, minutesPerDay int) (store.ImportResult, error)
}

// Login is a demo account to print.
type Login struct {
	Username string
	Role     auth.Role
	Unit     string
}

// Summary tells what Seed created.
type Summary struct {
	Agency     agency.Agency
	Units      int
	Logins     []Login
	Procedures store.ImportResult
}

type unitSpec struct {
	code, name string
	kind       agency.Kind
}

var units = []unitSpec{
	{"VP", "Văn phòng", agency.KindOffice},
	{"GDTrH", "Phòng Giáo dục Trung học", agency.KindDivision},
	{"GDMNTH", "Phòng Giáo dục Mầm non – Tiểu học", agency.KindDivision},
	{"KTQLCL", "Phòng Khảo thí và Quản lý chất lượng", agency.KindDivision},
	{"TCCB", "Phòng Tổ chức cán bộ", agency.KindDivision},
	{"MOTCUA", "Bộ phận Một cửa", agency.KindOneStop},
}

type userSpec struct {
	username, name, unit string
	role                 auth.Role
}

var users = []userSpec{
	{"giamdoc", "Nguyễn Văn Hùng", "SO", auth.Leadership},
	{"phogiamdoc", "Trần Thị Mai", "SO", auth.Leadership},
	{"motcua1", "Lê Thị Hoa", "MOTCUA", auth.Reception},
	{"motcua2", "Phạm Văn Nam", "MOTCUA", auth.Reception},
	{"tp.trunghoc", "Hoàng Văn Đức", "GDTrH", auth.DivisionHead},
	{"cv.trunghoc1", "Vũ Thị Lan", "GDTrH", auth.Specialist},
	{"cv.trunghoc2", "Đặng Quốc Bảo", "GDTrH", auth.Specialist},
	{"tp.mamnon", "Bùi Thị Thu", "GDMNTH", auth.DivisionHead},
	{"cv.mamnon1", "Ngô Thị Ngọc", "GDMNTH", auth.Specialist},
	{"tp.khaothi", "Đỗ Minh Tuấn", "KTQLCL", auth.DivisionHead},
	{"cv.khaothi1", "Phan Thị Hằng", "KTQLCL", auth.Specialist},
	{"tp.tccb", "Trịnh Văn Long", "TCCB", auth.DivisionHead},
	{"cv.tccb1", "Lý Thị Yến", "TCCB", auth.Specialist},
	{"vanthu", "Mai Thị Hạnh", "VP", auth.Clerk},
	{"quantri", "Cao Văn Sơn", "VP", auth.Admin},
}

// Seed creates the demo agency. random supplies the password salt.
// minutesPerDay is the working-day length used to check step plans.
func Seed(ctx context.Context, st Seeder, random io.Reader, minutesPerDay int) (Summary, error) {
	var sum Summary
	procs, err := procedure.Import(Procedures, minutesPerDay)
	if err != nil {
		return sum, fmt.Errorf("demo procedures: %w", err)
	}
	a, err := st.CreateAgency(ctx, agency.Agency{Code: AgencyCode, Name: "Sở Giáo dục và Đào tạo (đơn vị mẫu)", Province: "Tỉnh mẫu"})
	if err != nil {
		return sum, err
	}
	sum.Agency = a
	root, err := st.CreateUnit(ctx, a.ID, agency.Unit{Code: "SO", Name: "Ban Giám đốc Sở", Kind: agency.KindAgency})
	if err != nil {
		return sum, err
	}
	ids := map[string]string{"SO": root.ID}
	names := map[string]string{"SO": root.Name}
	for _, u := range units {
		created, err := st.CreateUnit(ctx, a.ID, agency.Unit{ParentID: root.ID, Code: u.code, Name: u.name, Kind: u.kind})
		if err != nil {
			return sum, err
		}
		ids[u.code], names[u.code] = created.ID, created.Name
	}
	sum.Units = len(units) + 1
	// One hash for every demo account: they share the printed password.
	hash, err := auth.HashPassword(random, Password)
	if err != nil {
		return sum, err
	}
	for _, u := range users {
		if _, err := st.CreateUser(ctx, auth.User{AgencyID: a.ID, Username: u.username, FullName: u.name, UnitID: ids[u.unit],
			Roles: []auth.Role{u.role}, Active: true, PasswordHash: hash}); err != nil {
			return sum, err
		}
		sum.Logins = append(sum.Logins, Login{Username: u.username, Role: u.role, Unit: names[u.unit]})
	}
	sum.Procedures, err = st.ImportProcedures(ctx, a.ID, procs, minutesPerDay)
	return sum, err
}
