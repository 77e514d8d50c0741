package portalsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"dunghan/internal/portal"
)

// Inbound page sizes of LayDanhSachHoSoMoi.
const (
	defaultInboundLimit = 50
	maxInboundLimit     = 500
)

// Stats count what the simulator was asked.
type Stats struct {
	Calls          map[string]int `json:"calls"`           // /service calls with a JSON body, per service ("unknown" for others)
	Rejected       int            `json:"rejected"`        // answers with a non-zero error_code, on /session or /service
	Faulted        int            `json:"faulted"`         // calls a fault answered or shaped
	DuplicateSteps int            `json:"duplicate_steps"` // steps delivered again for a stored (MaHoSo, STT)
	SessionsIssued int            `json:"sessions_issued"`
}

// Record is what the simulator holds of one dossier.
type Record struct {
	Key      string         `json:"key"` // portal.Dossier.Key
	Dossier  portal.Dossier `json:"dossier"`
	Steps    []portal.Step  `json:"steps"`    // by STT
	Revision int            `json:"revision"` // times the dossier was stored: 1 after its creation
	History  int            `json:"history"`  // accepted deliveries for the key: dossier pushes and steps, repeats included
	Updated  time.Time      `json:"updated"`  // the last accepted delivery, on the simulator's clock
}

// Snapshot is everything the simulator holds. Its slices are the
// simulator's: read them, do not change them.
type Snapshot struct {
	Dossiers []Record         `json:"dossiers"` // by key
	Inbound  []portal.Inbound `json:"inbound"`  // in queue order
	Sessions int              `json:"sessions"` // live sessions
	Faults   Faults           `json:"faults"`   // pending
	Stats    Stats            `json:"stats"`
}

// record is one stored dossier and its steps.
type record struct {
	dossier           portal.Dossier
	steps             map[int]portal.Step // by STT
	revision, history int
	updated           time.Time
}

func (r *record) export(key string) Record {
	steps := make([]portal.Step, 0, len(r.steps))
	for _, stt := range slices.Sorted(maps.Keys(r.steps)) {
		steps = append(steps, r.steps[stt])
	}
	return Record{Key: key, Dossier: r.dossier, Steps: steps, Revision: r.revision, History: r.history, Updated: r.updated}
}

// Snapshot returns every stored dossier with its steps, the inbound queue,
// the pending faults and the statistics.
func (s *Sim) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{
		Dossiers: make([]Record, 0, len(s.records)),
		Inbound:  append([]portal.Inbound{}, s.inbound...),
		Faults:   s.faults,
		Stats:    s.stats,
	}
	snap.Stats.Calls = maps.Clone(s.stats.Calls)
	for _, k := range slices.Sorted(maps.Keys(s.records)) {
		snap.Dossiers = append(snap.Dossiers, s.records[k].export(k))
	}
	now := s.opts.Now()
	for _, exp := range s.sessions {
		if now.Before(exp) {
			snap.Sessions++
		}
	}
	return snap
}

// Lookup returns what the simulator holds under key (portal.Dossier.Key).
func (s *Sim) Lookup(key string) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[key]
	if !ok {
		return Record{}, false
	}
	return r.export(key), true
}

// AddInbound queues a dossier submitted online, as given so that tests can
// feed odd data, and returns its MaHoSoQG: "DVCQG-" and its place in the
// queue when in has none.
func (s *Sim) AddInbound(in portal.Inbound) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.MaHoSoQG == "" {
		in.MaHoSoQG = fmt.Sprintf("DVCQG-%06d", len(s.inbound)+1)
	}
	s.inbound = append(s.inbound, in)
	return in.MaHoSoQG
}

func (s *Sim) handleState(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Snapshot())
}

func (s *Sim) handleInbound(w http.ResponseWriter, r *http.Request) {
	var in []portal.Inbound
	if !decodeSim(w, r, MaxBody, &in) {
		return
	}
	ids := make([]string, 0, len(in))
	for _, d := range in {
		ids = append(ids, s.AddInbound(d))
	}
	s.opts.Log.Info("portal-sim inbound queued", "records", len(ids))
	writeJSON(w, http.StatusOK, map[string][]string{"queued": ids})
}

// known reports whether the simulator serves service.
func known(service string) bool {
	switch service {
	case portal.ServicePushDossier, portal.ServicePushSteps, portal.ServiceLookup, portal.ServiceInbound:
		return true
	}
	return false
}

// dispatch checks the session and carries out the service; it returns the
// answer, the number of records in the data and whether Drop swallowed
// the call. s.mu is held.
func (s *Sim) dispatch(req portal.Request) (portal.Answer, int, bool) {
	if exp, ok := s.sessions[req.Session]; !ok || !s.opts.Now().Before(exp) {
		delete(s.sessions, req.Session)
		return portal.Answer{ErrorCode: portal.CodeSessionExpired, Message: "Phiên làm việc không tồn tại hoặc đã hết hạn"}, 0, false
	}
	switch req.Service {
	case portal.ServicePushDossier:
		return s.pushDossiers(req.IsUpdating, req.Data)
	case portal.ServicePushSteps:
		return s.pushSteps(req.Data)
	case portal.ServiceLookup:
		a, n := s.lookup(req.Data)
		return a, n, false
	case portal.ServiceInbound:
		a, n := s.inboundPage(req.Data)
		return a, n, false
	}
	return portal.Answer{ErrorCode: CodePermanent, Message: fmt.Sprintf("Dịch vụ %q không được hỗ trợ", req.Service)}, 0, false
}

var accepted = portal.Answer{ErrorCode: portal.CodeOK, Message: "Thành công"}

func invalid(format string, args ...any) portal.Answer {
	return portal.Answer{ErrorCode: CodeInvalid, Message: fmt.Sprintf(format, args...)}
}

func notFound(key string) portal.Answer {
	return portal.Answer{ErrorCode: portal.CodeNotFound, Message: fmt.Sprintf("Không tìm thấy hồ sơ %s", key)}
}

func (s *Sim) pushDossiers(updating bool, data json.RawMessage) (portal.Answer, int, bool) {
	var ds []portal.Dossier
	if err := json.Unmarshal(data, &ds); err != nil {
		return invalid("data phải là một mảng hồ sơ: %s", jsonProblem(err)), 0, false
	}
	if len(ds) == 0 {
		return invalid("data không có hồ sơ nào"), 0, false
	}
	for i, d := range ds {
		if problem := checkDossier(d); problem != "" {
			return invalid("Hồ sơ thứ %d%s: %s", i+1, label(d.MaHoSo), problem), len(ds), false
		}
	}
	if s.takeDrop() {
		return accepted, len(ds), true
	}
	seen := map[string]bool{}
	for _, d := range ds {
		k := d.Key()
		switch {
		case !updating && (s.records[k] != nil || seen[k]):
			return portal.Answer{ErrorCode: portal.CodeExists, Message: fmt.Sprintf("Hồ sơ %s đã tồn tại", k)}, len(ds), false
		case updating && s.records[k] == nil:
			return notFound(k), len(ds), false
		}
		seen[k] = true
	}
	now := s.opts.Now()
	for _, d := range ds {
		k := d.Key()
		r := s.records[k]
		if r == nil {
			r = &record{steps: map[int]portal.Step{}}
			s.records[k] = r
		}
		r.dossier = d
		r.revision++
		r.history++
		r.updated = now
	}
	return accepted, len(ds), false
}

func (s *Sim) pushSteps(data json.RawMessage) (portal.Answer, int, bool) {
	var steps []portal.Step
	if err := json.Unmarshal(data, &steps); err != nil {
		return invalid("data phải là một mảng bước xử lý: %s", jsonProblem(err)), 0, false
	}
	if len(steps) == 0 {
		return invalid("data không có bước xử lý nào"), 0, false
	}
	for i, st := range steps {
		if problem := checkStep(st); problem != "" {
			return invalid("Bước thứ %d%s: %s", i+1, label(st.MaHoSo), problem), len(steps), false
		}
	}
	if s.takeDrop() {
		return accepted, len(steps), true
	}
	for _, st := range steps {
		if s.records[st.MaHoSo] == nil {
			return notFound(st.MaHoSo), len(steps), false
		}
	}
	now := s.opts.Now()
	for _, st := range steps {
		r := s.records[st.MaHoSo]
		if _, again := r.steps[st.STT]; again {
			s.stats.DuplicateSteps++
		}
		r.steps[st.STT] = st
		r.history++
		r.updated = now
	}
	return accepted, len(steps), false
}

func (s *Sim) lookup(data json.RawMessage) (portal.Answer, int) {
	var q portal.LookupQuery
	if err := json.Unmarshal(data, &q); err != nil {
		return invalid("data phải là {\"MaHoSo\": …}: %s", jsonProblem(err)), 0
	}
	if q.MaHoSo == "" {
		return invalid("thiếu MaHoSo"), 0
	}
	r := s.records[q.MaHoSo]
	if r == nil {
		return notFound(q.MaHoSo), 1
	}
	rec := r.export(q.MaHoSo)
	return portal.Answer{ErrorCode: portal.CodeOK, Result: mustJSON(portal.LookupResult{HoSo: rec.Dossier, TienDo: rec.Steps})}, 1
}

func (s *Sim) inboundPage(data json.RawMessage) (portal.Answer, int) {
	var q portal.InboundQuery
	if err := json.Unmarshal(data, &q); err != nil {
		return invalid("data phải là {\"MaDonVi\", \"Cursor\", \"Limit\"}: %s", jsonProblem(err)), 0
	}
	if q.MaDonVi == "" {
		return invalid("thiếu MaDonVi"), 0
	}
	limit := q.Limit
	switch {
	case limit < 0:
		return invalid("Limit %d không hợp lệ (từ 0 đến %d; 0 là %d)", limit, maxInboundLimit, defaultInboundLimit), 0
	case limit == 0:
		limit = defaultInboundLimit
	case limit > maxInboundLimit:
		limit = maxInboundLimit
	}
	start := 0
	if q.Cursor != "" {
		n, err := strconv.Atoi(q.Cursor)
		if err != nil || n < 0 || n > len(s.inbound) {
			return invalid("Cursor %q không hợp lệ", q.Cursor), 0
		}
		start = n
	}
	page := portal.InboundPage{HoSo: []portal.Inbound{}, Cursor: q.Cursor}
	for i := start; i < len(s.inbound) && len(page.HoSo) < limit; i++ {
		if s.inbound[i].MaDonVi == q.MaDonVi {
			page.HoSo = append(page.HoSo, s.inbound[i])
			page.Cursor = strconv.Itoa(i + 1)
		}
	}
	return portal.Answer{ErrorCode: portal.CodeOK, Result: mustJSON(page)}, len(page.HoSo)
}

// checkDossier returns what is wrong with d, naming the field, or "".
func checkDossier(d portal.Dossier) string {
	switch {
	case d.MaHoSo == "":
		return "thiếu MaHoSo"
	case d.MaTTHC == "":
		return "thiếu MaTTHC"
	case d.TrangThaiHoSo < 1 || d.TrangThaiHoSo > 10:
		return fmt.Sprintf("TrangThaiHoSo %d không hợp lệ (từ 1 đến 10)", d.TrangThaiHoSo)
	case d.KenhThucHien < 1 || d.KenhThucHien > 3:
		return fmt.Sprintf("KenhThucHien %d không hợp lệ (1 trực tiếp, 2 trực tuyến, 3 bưu chính)", d.KenhThucHien)
	}
	dates := [][2]string{
		{"NgayNopHoSo", d.NgayNopHoSo}, {"NgayTiepNhan", d.NgayTiepNhan}, {"NgayHenTra", d.NgayHenTra},
		{"NgayKetThucXuLy", d.NgayKetThucXuLy}, {"NgayTra", d.NgayTra}, {"NgayTuChoi", d.NgayTuChoi},
	}
	for i, b := range d.DanhSachHoSoBoSung {
		p := fmt.Sprintf("DanhSachHoSoBoSung[%d].", i)
		dates = append(dates, [2]string{p + "NgayBoSung", b.NgayBoSung}, [2]string{p + "NgayTiepNhanBoSung", b.NgayTiepNhanBoSung},
			[2]string{p + "NgayHenTraTruoc", b.NgayHenTraTruoc}, [2]string{p + "NgayHenTraMoi", b.NgayHenTraMoi})
	}
	return checkStamps(dates)
}

// checkStep returns what is wrong with st, naming the field, or "".
func checkStep(st portal.Step) string {
	switch {
	case st.MaHoSo == "":
		return "thiếu MaHoSo"
	case st.STT < 1:
		return fmt.Sprintf("STT %d không hợp lệ (từ 1 trở lên)", st.STT)
	case st.TrangThai < 1 || st.TrangThai > 10:
		return fmt.Sprintf("TrangThai %d không hợp lệ (từ 1 đến 10)", st.TrangThai)
	}
	return checkStamps([][2]string{{"ThoiDiemXuLy", st.ThoiDiemXuLy}, {"NgayBatDau", st.NgayBatDau},
		{"NgayKetThucTheoQuyDinh", st.NgayKetThucTheoQuyDinh}})
}

// checkStamps returns the first field, of (name, value) pairs, that is
// neither "" nor a portal date.
func checkStamps(fields [][2]string) string {
	for _, f := range fields {
		if _, err := portal.ParseStamp(f[1]); err != nil {
			return fmt.Sprintf("%s %q không đúng định dạng yyyyMMddHHmmss", f[0], f[1])
		}
	}
	return ""
}

// label is " (code)" naming a record in a message, or "" without a code.
func label(code string) string {
	if code == "" {
		return ""
	}
	return " (" + code + ")"
}

// jsonProblem says in Vietnamese why JSON did not decode.
func jsonProblem(err error) string {
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if e.Field != "" {
			return fmt.Sprintf("trường %s sai kiểu dữ liệu (nhận %s)", e.Field, e.Value)
		}
		return fmt.Sprintf("sai kiểu dữ liệu (nhận %s)", e.Value)
	}
	if e, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Sprintf("lỗi cú pháp JSON ở byte %d", e.Offset)
	}
	return err.Error()
}

// mustJSON encodes a result this package built.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // portal's result types always encode
	}
	return b
}
