// Package portal synchronises dossiers with the National Public Service
// Portal (Cổng Dịch vụ công quốc gia, DVCQG): the pure mapping of a dossier
// and its processing steps to the portal's payloads, the HTTP client, and
// the workers that deliver, reconcile and pull online dossiers.
//
// The wire contract follows what provincial integrations show (domain-vn
// §3.4): one service endpoint taking {"service", "isUpdating", "data"} with
// a session token, dates as yyyyMMddHHmmss in Asia/Ho_Chi_Minh, answers
// carrying an error_code. What the sources do not fix is ours and marked so:
// the step number STT (which makes a repeated step push idempotent), the
// lookup and inbound service shapes, and the session endpoint.
package portal

import (
	"encoding/json"
	"time"

	"dunghan/internal/calendar"
)

// Service names.
const (
	ServicePushDossier = "DongBoHoSoMC"        // create (isUpdating false) or update a dossier
	ServicePushSteps   = "CapNhatTienDoHoSoMC" // add processing steps
	ServiceLookup      = "TraCuuHoSo"          // what the portal holds of a dossier
	ServiceInbound     = "LayDanhSachHoSoMoi"  // online dossiers submitted since a cursor (ours)
)

// Answer codes (error_code). The portal's list is not published; these are
// the ones integrations act on. Any other code is a permanent failure.
const (
	CodeOK             = 0
	CodeExists         = 3  // the dossier already exists: update instead
	CodeExistsAlt      = -3 // the same, as some deployments answer
	CodeNotFound       = 4  // update or lookup of a dossier the portal does not hold
	CodeSessionExpired = -1 // the session is unknown or expired: log in again
	CodeBusy           = 5  // the portal asks to retry later
)

// TimeLayout is the portal's date format, in Asia/Ho_Chi_Minh.
const TimeLayout = "20060102150405"

// Stamp formats t for the portal; the zero time is "".
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Zone).Format(TimeLayout)
}

// ParseStamp reads a portal date; "" is the zero time.
func ParseStamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(TimeLayout, s, calendar.Zone)
}

// Request is the body of every service call.
type Request struct {
	Session    string          `json:"session"`
	Service    string          `json:"service"`
	IsUpdating bool            `json:"isUpdating"`
	Data       json.RawMessage `json:"data"`
}

// Answer is the body of every service answer.
type Answer struct {
	ErrorCode int             `json:"error_code"`
	Message   string          `json:"message,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
}

// SessionRequest and SessionAnswer are the session endpoint's body and answer.
type SessionRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// SessionAnswer carries a session token and its lifetime in seconds.
type SessionAnswer struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message,omitempty"`
	Session   string `json:"session,omitempty"`
	ExpiresIn int    `json:"expires_in,omitempty"`
}

// LookupQuery is the data of a TraCuuHoSo call.
type LookupQuery struct {
	MaHoSo string `json:"MaHoSo"`
}

// LookupResult is what the portal holds of one dossier.
type LookupResult struct {
	HoSo   Dossier `json:"HoSo"`
	TienDo []Step  `json:"TienDo"`
}

// InboundQuery is the data of a LayDanhSachHoSoMoi call: the online dossiers
// addressed to the agency (MaDonVi, its national identifier) after Cursor.
type InboundQuery struct {
	MaDonVi string `json:"MaDonVi"`
	Cursor  string `json:"Cursor"`
	Limit   int    `json:"Limit"`
}

// InboundPage is a LayDanhSachHoSoMoi result; Cursor is where the next call starts.
type InboundPage struct {
	HoSo   []Inbound `json:"HoSo"`
	Cursor string    `json:"Cursor"`
}

// Inbound is one dossier submitted online on the portal, not yet accepted.
type Inbound struct {
	MaHoSoQG        string     `json:"MaHoSoQG"` // the portal's identifier
	MaTTHC          string     `json:"MaTTHC"`
	MaDonVi         string     `json:"MaDonVi"`
	ChuHoSo         string     `json:"ChuHoSo"`
	LoaiDoiTuong    int        `json:"LoaiDoiTuong"`
	SoGiayToChuHoSo string     `json:"SoGiayToChuHoSo,omitempty"`
	SoDienThoai     string     `json:"SoDienThoai,omitempty"`
	Email           string     `json:"Email,omitempty"`
	DiaChi          string     `json:"DiaChi,omitempty"`
	NgayNopHoSo     string     `json:"NgayNopHoSo"`
	TaiLieuNop      []Document `json:"TaiLieuNop,omitempty"`
}
