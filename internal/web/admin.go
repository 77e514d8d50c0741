package web

import (
	"cmp"
	"crypto/rand"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/store"
)

// The administration pages (GET /quan-tri and the forms under it) manage
// the agency's users and units. Every form is checked here, on the server;
// an invalid form comes back with the error beside each field and what was
// typed (never a password). A valid one redirects (303) with a notice.

// adminNotices are the notices a redirect may ask for (?tb=KEY); the text
// never comes from the URL.
var adminNotices = map[string]string{
	"tao-nguoi-dung": "Đã tạo tài khoản. Hãy trao mật khẩu ban đầu cho người dùng qua kênh an toàn và đề nghị đổi mật khẩu.",
	"cap-nhat":       "Đã cập nhật vai trò và đơn vị của tài khoản.",
	"vo-hieu-hoa":    "Đã vô hiệu hoá tài khoản; các phiên đăng nhập đang mở của tài khoản đã kết thúc.",
	"kich-hoat":      "Đã kích hoạt lại tài khoản.",
	"mat-khau":       "Đã đặt lại mật khẩu; tài khoản được mở khoá và các phiên đăng nhập cũ đã kết thúc.",
	"tao-don-vi":     "Đã thêm đơn vị.",
}

// adminOnly lets only administrators through.
func (s *Server) adminOnly(h func(w http.ResponseWriter, r *http.Request, u auth.User)) func(w http.ResponseWriter, r *http.Request, u auth.User) {
	return func(w http.ResponseWriter, r *http.Request, u auth.User) {
		if !u.Has(auth.Admin) {
			s.fail(w, r, apperr.New(apperr.Forbidden, "Trang quản trị chỉ dành cho quản trị hệ thống."))
			return
		}
		h(w, r, u)
	}
}

// kindLabel names a unit kind in Vietnamese.
func kindLabel(k agency.Kind) string {
	switch k {
	case agency.KindAgency:
		return "Cơ quan (Ban Giám đốc)"
	case agency.KindDivision:
		return "Phòng chuyên môn"
	case agency.KindOneStop:
		return "Bộ phận Một cửa"
	case agency.KindOffice:
		return "Văn phòng"
	}
	return string(k)
}

var unitKinds = []agency.Kind{agency.KindDivision, agency.KindOneStop, agency.KindOffice, agency.KindAgency}

// adminChoice is an option of a select or a checkbox.
type adminChoice struct{ Value, Label string }

// unitNode is a unit in the tree with its users.
type unitNode struct {
	agency.Unit
	KindLabel string
	Users     int
	Children  []*unitNode
}

// adminUserRow is a user as the list shows it.
type adminUserRow struct {
	auth.User
	UnitName string
	Roles    string
	State    string // Đang hoạt động, Đã vô hiệu hoá, Tạm khoá đến …
	Off      bool
}

// adminPage is the data of admin.html and admin_user.html.
type adminPage struct {
	Notice     string
	Users      []adminUserRow
	Tree       []*unitNode
	UnitOpts   []adminChoice // every unit, indented in tree order
	RoleOpts   []adminChoice
	KindOpts   []adminChoice
	UserForm   *fieldForm // new user
	UnitForm   *fieldForm // new unit
	Edit       *adminUserRow
	EditForm   *fieldForm // roles and unit
	PassForm   *fieldForm // password reset
	ActiveForm *fieldForm // deactivate / reactivate
	Self       bool
}

// adminData loads what every administration page shows.
func (s *Server) adminData(r *http.Request, u auth.User) (*adminPage, map[string]string, error) {
	ctx := r.Context()
	units, err := s.deps.Store.Units(ctx, u.AgencyID)
	if err != nil {
		return nil, nil, err
	}
	users, err := s.deps.Store.UserAccounts(ctx, u.AgencyID)
	if err != nil {
		return nil, nil, err
	}
	p := &adminPage{Notice: adminNotices[r.URL.Query().Get("tb")],
		UserForm: newFieldForm(), UnitForm: newFieldForm(), EditForm: newFieldForm(), PassForm: newFieldForm(), ActiveForm: newFieldForm()}
	names := map[string]string{}
	nodes := map[string]*unitNode{}
	for _, x := range units {
		names[x.ID] = x.Name
		nodes[x.ID] = &unitNode{Unit: x, KindLabel: kindLabel(x.Kind)}
	}
	now := s.deps.Now()
	for _, x := range users {
		row := adminUserRow{User: x, UnitName: cmp.Or(names[x.UnitID], "—"), State: "Đang hoạt động"}
		var roles []string
		for _, role := range x.Roles {
			roles = append(roles, role.Label())
		}
		row.Roles = cmp.Or(strings.Join(roles, ", "), "—")
		switch {
		case !x.Active:
			row.State, row.Off = "Đã vô hiệu hoá", true
		case now.Before(x.LockedUntil):
			row.State, row.Off = "Tạm khoá đến "+when(x.LockedUntil, "15:04 02/01/2006")+" (đăng nhập sai nhiều lần)", true
		}
		p.Users = append(p.Users, row)
		if n := nodes[x.UnitID]; n != nil {
			n.Users++
		}
	}
	// Units come parents first; a unit whose parent is unknown is a root.
	for _, x := range units {
		n := nodes[x.ID]
		if parent := nodes[x.ParentID]; parent != nil && x.ParentID != x.ID {
			parent.Children = append(parent.Children, n)
		} else {
			p.Tree = append(p.Tree, n)
		}
	}
	var walk func(ns []*unitNode, depth int)
	walk = func(ns []*unitNode, depth int) {
		for _, n := range ns {
			p.UnitOpts = append(p.UnitOpts, adminChoice{n.ID, strings.Repeat("\u00a0\u00a0\u00a0", depth) + n.Name})
			walk(n.Children, depth+1)
		}
	}
	walk(p.Tree, 0)
	for _, role := range auth.Roles {
		p.RoleOpts = append(p.RoleOpts, adminChoice{string(role), role.Label()})
	}
	for _, k := range unitKinds {
		p.KindOpts = append(p.KindOpts, adminChoice{string(k), kindLabel(k)})
	}
	return p, names, nil
}

func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, u auth.User, status int, p *adminPage) {
	data := page("Quản trị", &u)
	data["P"] = p
	s.render(w, r, status, "admin.html", data)
}

// adminHome lists the users and the units, with the forms to add them.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request, u auth.User) {
	p, _, err := s.adminData(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAdmin(w, r, u, http.StatusOK, p)
}

// rolesOf reads the role checkboxes into f and returns the valid roles.
func rolesOf(r *http.Request, f *fieldForm) []auth.Role {
	var roles []auth.Role
	for _, v := range r.PostForm["roles"] {
		role := auth.Role(v)
		if !role.Valid() {
			f.fail("roles", "Vai trò không hợp lệ.")
			continue
		}
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
			f.Checked[v] = true
		}
	}
	if len(roles) == 0 {
		f.fail("roles", "Chọn ít nhất một vai trò.")
	}
	return roles
}

// unitOf reads a unit select into f; the unit must be one of the agency's.
func unitOf(r *http.Request, f *fieldForm, field string, names map[string]string, required bool) string {
	id := pubText(r, field)
	f.Values[field] = id
	switch _, ok := names[id]; {
	case id == "" && required:
		f.fail(field, "Chọn đơn vị.")
	case id != "" && !ok:
		f.fail(field, "Đơn vị được chọn không tồn tại.")
	}
	return id
}

// passwordOf checks a new password; it is never kept in the form.
func passwordOf(r *http.Request, f *fieldForm) string {
	pw := r.PostFormValue("password")
	switch n := utf8.RuneCountInString(pw); {
	case n < auth.MinPasswordLength:
		f.fail("password", "Mật khẩu cần ít nhất 10 ký tự.")
	case n > 200 || !utf8.ValidString(pw):
		f.fail("password", "Mật khẩu tối đa 200 ký tự.")
	}
	return pw
}

// adminCreateUser adds a user (POST /quan-tri/nguoi-dung).
func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request, u auth.User) {
	readSmallForm(w, r)
	p, names, err := s.adminData(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := p.UserForm
	username := strings.ToLower(pubText(r, "username"))
	fullName := pubText(r, "full_name")
	email := pubText(r, "email")
	f.Values["username"], f.Values["full_name"], f.Values["email"] = username, fullName, email
	if !store.ValidUsername(username) {
		f.fail("username", "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới.")
	}
	switch n := utf8.RuneCountInString(fullName); {
	case n == 0:
		f.fail("full_name", "Nhập họ và tên.")
	case n > 200:
		f.fail("full_name", "Họ và tên tối đa 200 ký tự.")
	}
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
			f.fail("email", "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@so.gov.vn).")
		}
	}
	unit := unitOf(r, f, "unit", names, true)
	roles := rolesOf(r, f)
	pw := passwordOf(r, f)
	status := http.StatusBadRequest
	if f.OK() {
		hash, err := auth.HashPassword(rand.Reader, pw)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		created, err := s.deps.Store.CreateUser(r.Context(), auth.User{AgencyID: u.AgencyID, Username: username, FullName: fullName, Email: email,
			UnitID: unit, Roles: roles, Active: true, PasswordHash: hash})
		if err == nil {
			s.deps.Log.Info("admin: user created", "admin", u.ID, "user", created.ID)
			http.Redirect(w, r, "/quan-tri?tb=tao-nguoi-dung#nguoi-dung", http.StatusSeeOther)
			return
		}
		if status = formFailure(f, "username", err); status == 0 {
			s.fail(w, r, err)
			return
		}
	}
	s.renderAdmin(w, r, u, status, p)
}

// adminCreateUnit adds a unit (POST /quan-tri/don-vi).
func (s *Server) adminCreateUnit(w http.ResponseWriter, r *http.Request, u auth.User) {
	readSmallForm(w, r)
	p, names, err := s.adminData(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := p.UnitForm
	code, name, kind := pubText(r, "code"), pubText(r, "name"), agency.Kind(pubText(r, "kind"))
	f.Values["code"], f.Values["name"], f.Values["kind"] = code, name, string(kind)
	if !validUnitCode(code) {
		f.fail("code", "Mã đơn vị gồm 1–32 ký tự: chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới.")
	}
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		f.fail("name", "Nhập tên đơn vị.")
	case n > 200:
		f.fail("name", "Tên đơn vị tối đa 200 ký tự.")
	}
	if !kind.Valid() {
		f.fail("kind", "Chọn loại đơn vị.")
	}
	parent := unitOf(r, f, "parent", names, len(names) > 0)
	status := http.StatusBadRequest
	if f.OK() {
		created, err := s.deps.Store.CreateUnit(r.Context(), u.AgencyID, agency.Unit{ParentID: parent, Code: code, Name: name, Kind: kind})
		if err == nil {
			s.deps.Log.Info("admin: unit created", "admin", u.ID, "unit", created.ID)
			http.Redirect(w, r, "/quan-tri?tb=tao-don-vi#don-vi", http.StatusSeeOther)
			return
		}
		if status = formFailure(f, "code", err); status == 0 {
			s.fail(w, r, err)
			return
		}
	}
	s.renderAdmin(w, r, u, status, p)
}

// formFailure shows a refused save beside the form: a conflict beside the
// field that must be unique, an invalid value at the top. It returns the
// HTTP status, or 0 for an error the form cannot show.
func formFailure(f *fieldForm, uniqueField string, err error) int {
	switch {
	case apperr.Is(err, apperr.Conflict):
		f.fail(uniqueField, apperr.Message(err))
		return http.StatusConflict
	case apperr.Is(err, apperr.Invalid):
		f.fail("form", apperr.Message(err))
		return http.StatusBadRequest
	}
	return 0
}

// validUnitCode reports whether code is 1–32 ASCII letters, digits, '.', '-', '_'.
func validUnitCode(code string) bool {
	if code == "" || len(code) > 32 {
		return false
	}
	for _, c := range code {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// userPage loads the page of one user (admin_user.html); ok is false after
// an error page was written.
func (s *Server) userPage(w http.ResponseWriter, r *http.Request, u auth.User) (*adminPage, map[string]string, bool) {
	p, names, err := s.adminData(r, u)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	id := r.PathValue("id")
	for i := range p.Users {
		if p.Users[i].ID == id {
			p.Edit = &p.Users[i]
		}
	}
	if p.Edit == nil {
		s.fail(w, r, apperr.New(apperr.NotFound, "Không tìm thấy người dùng."))
		return nil, nil, false
	}
	p.Self = id == u.ID
	p.EditForm.Values["unit"] = p.Edit.UnitID
	for _, role := range p.Edit.User.Roles {
		p.EditForm.Checked[string(role)] = true
	}
	return p, names, true
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, u auth.User, status int, p *adminPage) {
	data := page("Tài khoản "+p.Edit.Username, &u)
	data["P"] = p
	s.render(w, r, status, "admin_user.html", data)
}

// userURL is the page of a user, with a notice.
func userURL(id, notice string) string {
	return "/quan-tri/nguoi-dung/" + url.PathEscape(id) + "?tb=" + notice
}

// adminUser shows one user with the forms that change it.
func (s *Server) adminUser(w http.ResponseWriter, r *http.Request, u auth.User) {
	if p, _, ok := s.userPage(w, r, u); ok {
		s.renderUser(w, r, u, http.StatusOK, p)
	}
}

// adminUpdateUser sets a user's roles and unit (POST /quan-tri/nguoi-dung/{id}).
func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request, u auth.User) {
	readSmallForm(w, r)
	p, names, ok := s.userPage(w, r, u)
	if !ok {
		return
	}
	f := p.EditForm
	clear(f.Checked)
	unit := unitOf(r, f, "unit", names, true)
	roles := rolesOf(r, f)
	if p.Self && f.OK() && !slices.Contains(roles, auth.Admin) {
		f.fail("roles", "Không thể tự bỏ vai trò quản trị của chính mình; hãy nhờ một quản trị viên khác.")
	}
	if !f.OK() {
		s.renderUser(w, r, u, http.StatusBadRequest, p)
		return
	}
	ctx := r.Context()
	if err := s.deps.Store.SetUserUnit(ctx, u.AgencyID, p.Edit.ID, unit); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.deps.Store.SetUserRoles(ctx, u.AgencyID, p.Edit.ID, roles); err != nil {
		s.fail(w, r, err)
		return
	}
	s.deps.Log.Info("admin: roles and unit set", "admin", u.ID, "user", p.Edit.ID)
	http.Redirect(w, r, userURL(p.Edit.ID, "cap-nhat"), http.StatusSeeOther)
}

// adminSetActive deactivates or reactivates a user (POST …/trang-thai, active=0|1).
func (s *Server) adminSetActive(w http.ResponseWriter, r *http.Request, u auth.User) {
	readSmallForm(w, r)
	p, _, ok := s.userPage(w, r, u)
	if !ok {
		return
	}
	active := r.PostFormValue("active") == "1"
	if p.Self && !active {
		p.ActiveForm.fail("active", "Không thể tự vô hiệu hoá tài khoản đang dùng.")
		s.renderUser(w, r, u, http.StatusBadRequest, p)
		return
	}
	if err := s.deps.Store.SetUserActive(r.Context(), u.AgencyID, p.Edit.ID, active); err != nil {
		s.fail(w, r, err)
		return
	}
	notice := "vo-hieu-hoa"
	if active {
		notice = "kich-hoat"
	}
	s.deps.Log.Info("admin: user "+notice, "admin", u.ID, "user", p.Edit.ID)
	http.Redirect(w, r, userURL(p.Edit.ID, notice), http.StatusSeeOther)
}

// adminResetPassword sets a new password (POST …/mat-khau).
func (s *Server) adminResetPassword(w http.ResponseWriter, r *http.Request, u auth.User) {
	readSmallForm(w, r)
	p, _, ok := s.userPage(w, r, u)
	if !ok {
		return
	}
	pw := passwordOf(r, p.PassForm)
	if !p.PassForm.OK() {
		s.renderUser(w, r, u, http.StatusBadRequest, p)
		return
	}
	hash, err := auth.HashPassword(rand.Reader, pw)
	if err == nil {
		err = s.deps.Store.SetPassword(r.Context(), u.AgencyID, p.Edit.ID, hash)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.deps.Log.Info("admin: password reset", "admin", u.ID, "user", p.Edit.ID)
	http.Redirect(w, r, userURL(p.Edit.ID, "mat-khau"), http.StatusSeeOther)
}
