package notice

import (
	"fmt"
	"strings"
	"time"

	"dunghan/internal/dossier"
)

// Message is an e-mail's subject and plain-text body.
type Message struct {
	Subject string
	Body    string
}

// footer ends every e-mail.
const footer = "\n\n-- \nThư gửi tự động từ hệ thống dunghan. Vui lòng không trả lời thư này."

// Citizen is the e-mail telling the applicant of a status change, for the
// events that concern them: received, supplement requested, rescheduled
// (the apology and the new date) and resolved (the result is ready). False
// for the other events. agency is the name of the receiving agency.
func Citizen(agency string, s dossier.State, e dossier.Event) (Message, bool) {
	name := s.Applicant.Name
	if name == "" {
		name = "ông/bà"
	}
	proc := s.Procedure.Name
	lookup := "\n\nÔng/bà có thể tra cứu tình trạng hồ sơ bằng mã hồ sơ và mã tra cứu in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
	var m Message
	switch e.Type {
	case dossier.EvReceived:
		m.Subject = fmt.Sprintf("Hồ sơ %s đã được tiếp nhận", s.Code)
		m.Body = fmt.Sprintf("Kính gửi %s,\n\n%s đã tiếp nhận hồ sơ «%s» của ông/bà lúc %s.\nMã hồ sơ: %s\nNgày hẹn trả kết quả: %s",
			name, agency, proc, When(s.AcceptedAt), s.Code, When(s.Promised)) + lookup
	case dossier.EvSupplementRequested:
		m.Subject = fmt.Sprintf("Hồ sơ %s cần bổ sung giấy tờ", s.Code)
		var docs []string
		for _, d := range e.Documents {
			docs = append(docs, "  - "+d.Name)
		}
		m.Body = fmt.Sprintf("Kính gửi %s,\n\nHồ sơ «%s» (mã %s) cần được bổ sung, hoàn thiện.\nLý do: %s",
			name, proc, s.Code, e.Reason)
		if len(docs) > 0 {
			m.Body += "\nGiấy tờ cần bổ sung:\n" + strings.Join(docs, "\n")
		}
		m.Body += "\n\nThời hạn giải quyết tạm dừng cho đến khi " + agency + " nhận đủ hồ sơ bổ sung." + lookup
	case dossier.EvRescheduled:
		m.Subject = fmt.Sprintf("Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ %s", s.Code)
		m.Body = fmt.Sprintf("Kính gửi %s,\n\n%s thành thật xin lỗi ông/bà vì hồ sơ «%s» (mã %s) chưa thể trả kết quả đúng hẹn.\nLý do: %s\nNgày hẹn trả kết quả mới: %s",
			name, agency, proc, s.Code, e.Reason, When(s.Promised)) + lookup
	case dossier.EvResolved:
		if e.Approved {
			m.Subject = fmt.Sprintf("Hồ sơ %s đã có kết quả", s.Code)
			m.Body = fmt.Sprintf("Kính gửi %s,\n\nHồ sơ «%s» (mã %s) đã được giải quyết xong. Mời ông/bà nhận kết quả theo hình thức đã đăng ký.",
				name, proc, s.Code) + lookup
		} else {
			m.Subject = fmt.Sprintf("Hồ sơ %s đã có văn bản trả lời", s.Code)
			m.Body = fmt.Sprintf("Kính gửi %s,\n\nHồ sơ «%s» (mã %s) không được giải quyết.\nLý do: %s\nMời ông/bà nhận văn bản trả lời theo hình thức đã đăng ký.",
				name, proc, s.Code, e.Reason) + lookup
		}
	default:
		return m, false
	}
	m.Body += footer
	return m, true
}

// Item is one notification in a digest.
type Item struct {
	Title string
	Body  string
	Link  string // site path, e.g. /ho-so/CODE
	At    time.Time
}

// Digest is the one e-mail a person gets for the notifications of a sweep.
// baseURL (may be empty) prefixes the links.
func Digest(name string, items []Item, baseURL string) Message {
	var m Message
	if len(items) == 1 {
		m.Subject = "[dunghan] " + items[0].Title
	} else {
		m.Subject = fmt.Sprintf("[dunghan] %d cảnh báo thời hạn hồ sơ", len(items))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Kính gửi %s,\n\nHệ thống dunghan có %d cảnh báo mới về thời hạn giải quyết hồ sơ:\n", name, len(items))
	for i, it := range items {
		fmt.Fprintf(&b, "\n%d. %s\n   %s\n", i+1, it.Title, it.Body)
		if it.Link != "" {
			fmt.Fprintf(&b, "   Xem hồ sơ: %s%s\n", strings.TrimSuffix(baseURL, "/"), it.Link)
		}
	}
	fmt.Fprintf(&b, "\nXem tất cả thông báo: %s/thong-bao", strings.TrimSuffix(baseURL, "/"))
	b.WriteString(footer)
	m.Body = b.String()
	return m
}

// Hook is the JSON body POSTed to the agency's webhook (an SMS or Zalo
// gateway, for instance).
type Hook struct {
	Event      string      `json:"event"` // "watch.alert" or "dossier.status"
	AgencyID   string      `json:"agency_id"`
	Dossier    string      `json:"dossier_code"`
	Rung       string      `json:"rung,omitempty"`
	Kind       string      `json:"kind"`
	Urgent     bool        `json:"urgent,omitempty"`
	Title      string      `json:"title"`
	Body       string      `json:"body"`
	Link       string      `json:"link,omitempty"`
	At         time.Time   `json:"at"`
	Recipients []Recipient `json:"recipients,omitempty"`
	Applicant  *Applicant  `json:"applicant,omitempty"`
}

// Recipient is a member of staff a watch alert is for.
type Recipient struct {
	UserID   string `json:"user_id"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Email    string `json:"email,omitempty"`
}

// Applicant is who a status message is for.
type Applicant struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}
