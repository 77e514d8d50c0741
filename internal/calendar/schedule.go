package calendar

import (
	_ "embed"
	"encoding/json"
	"time"

	"dunghan/internal/apperr"
)

// YearSchedule is the announced schedule of one year for public servants.
type YearSchedule struct {
	DaysOff          []DayRange `json:"days_off"`
	WorkingSaturdays []Date     `json:"working_saturdays"` // make-up Saturdays (làm bù)
	Refs             []string   `json:"refs,omitempty"`    // the documents that announced it
}

// DayRange is a named run of days off, From..To inclusive (weekend days included).
type DayRange struct {
	From Date   `json:"from"`
	To   Date   `json:"to"`
	Name string `json:"name"`
}

// maxRange bounds the length of one announced range of days off.
const maxRange = 31

// embedded is a copy of shared/data/holidays-vn.json (a test keeps it in sync).
//
//go:embed holidays-vn.json
var embedded []byte

// Announced returns a fresh copy of the announced schedules embedded in the binary, by year.
func Announced() map[int]YearSchedule {
	s, err := ParseSchedules(embedded)
	if err != nil {
		panic("calendar: embedded holidays-vn.json: " + err.Error()) // a build defect, caught by the tests
	}
	return s
}

// ParseSchedules reads the "years" of a holidays-vn.json document.
func ParseSchedules(b []byte) (map[int]YearSchedule, error) {
	var doc struct {
		Years map[int]YearSchedule `json:"years"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, apperr.Wrap(apperr.Invalid, "tệp lịch nghỉ không hợp lệ", err)
	}
	if err := validateSchedules(doc.Years); err != nil {
		return nil, err
	}
	return doc.Years, nil
}

func validateSchedules(s map[int]YearSchedule) error {
	for y, ys := range s {
		if y < MinYear || y > MaxYear {
			return apperr.Newf(apperr.Invalid, "lịch nghỉ năm %d nằm ngoài phạm vi 1900–2100", y)
		}
		for _, r := range ys.DaysOff {
			if !r.From.valid() || !r.To.valid() {
				return apperr.Newf(apperr.Invalid, "lịch nghỉ năm %d: ngày không hợp lệ trong %q", y, r.Name)
			}
			if n := r.To.index() - r.From.index(); n < 0 || n >= maxRange {
				return apperr.Newf(apperr.Invalid, "lịch nghỉ năm %d: khoảng ngày %s–%s không hợp lệ (tối đa %d ngày)", y, r.From, r.To, maxRange)
			}
			if r.Name == "" {
				return apperr.Newf(apperr.Invalid, "lịch nghỉ năm %d: khoảng ngày %s–%s thiếu tên", y, r.From, r.To)
			}
		}
		for _, d := range ys.WorkingSaturdays {
			if !d.valid() || d.Weekday() != time.Saturday {
				return apperr.Newf(apperr.Invalid, "lịch nghỉ năm %d: ngày làm bù %s không phải thứ Bảy", y, d)
			}
		}
	}
	return nil
}
