package calendar

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestAnnouncedYears checks every day of the announced years against the
// JSON document, read here without ParseSchedules.
func TestAnnouncedYears(t *testing.T) {
	var doc struct {
		Years map[string]struct {
			DaysOff []struct {
				From, To, Name string
			} `json:"days_off"`
			WorkingSaturdays []string `json:"working_saturdays"`
		} `json:"years"`
	}
	if err := json.Unmarshal(embedded, &doc); err != nil {
		t.Fatal(err)
	}
	off := map[string]string{}
	makeUp := map[string]bool{}
	for _, y := range doc.Years {
		for _, r := range y.DaysOff {
			for d := day(t, r.From); !d.After(day(t, r.To)); d = d.AddDate(0, 0, 1) {
				off[d.Format(time.DateOnly)] = r.Name
			}
		}
		for _, s := range y.WorkingSaturdays {
			makeUp[s] = true
		}
	}
	noMakeUp := DefaultConfig()
	noMakeUp.MakeUpSaturdaysWork = false
	for _, tc := range []struct {
		name string
		c    *Calendar
		work bool // whether make-up Saturdays work
	}{{"default", def(t), true}, {"no make-up Saturdays", mustNew(t, noMakeUp), false}} {
		t.Run(tc.name, func(t *testing.T) {
			for d := day(t, "2024-01-01"); d.Year() <= 2026; d = d.AddDate(0, 0, 1) {
				key := d.Format(time.DateOnly)
				weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
				want := !weekend
				switch {
				case makeUp[key]:
					want = tc.work
				case off[key] != "":
					want = false
				}
				got, r := tc.c.IsWorkingDay(d)
				if got != want || r.Provisional {
					t.Errorf("%s: working=%v %+v, want working=%v", key, got, r, want)
				}
				if name := off[key]; name != "" && r.Name != name {
					t.Errorf("%s: reason %q, want %q", key, r.Name, name)
				}
			}
		})
	}
}

func TestNamedDays(t *testing.T) {
	c := def(t)
	for _, tc := range []struct {
		date    string
		working bool
		code    ReasonCode
		name    string // a prefix of the reason's name
		prov    bool
	}{
		{"2024-05-04", true, ReasonMakeUpSaturday, "Thứ Bảy làm bù", false},
		{"2025-04-26", true, ReasonMakeUpSaturday, "Thứ Bảy làm bù", false},
		{"2026-01-10", true, ReasonMakeUpSaturday, "Thứ Bảy làm bù", false},
		{"2026-08-22", true, ReasonMakeUpSaturday, "Thứ Bảy làm bù", false},
		{"2026-04-27", false, ReasonAnnounced, "Giỗ Tổ Hùng Vương", false},
		{"2026-02-16", false, ReasonAnnounced, "Tết Nguyên đán Bính Ngọ", false},
		{"2026-02-20", false, ReasonAnnounced, "Tết Nguyên đán Bính Ngọ", false},
		{"2026-02-23", true, ReasonWorking, "Ngày làm việc", false},
		{"2025-03-09", false, ReasonWeekend, "Ngày nghỉ hằng tuần (Chủ nhật)", false},
		// Provisional 2027: Tết Đinh Mùi (lunar new year Saturday 2027-02-06):
		// 05/02 (30 Chạp) + 06–09/02, with two compensatory days for the weekend.
		{"2027-02-05", false, ReasonHoliday, "Tết Nguyên đán Đinh Mùi", true},
		{"2027-02-06", false, ReasonHoliday, "Tết Nguyên đán Đinh Mùi", true},
		{"2027-02-09", false, ReasonHoliday, "Tết Nguyên đán Đinh Mùi", true},
		{"2027-02-10", false, ReasonCompensatory, "Nghỉ bù Tết Nguyên đán Đinh Mùi", true},
		{"2027-02-11", false, ReasonCompensatory, "Nghỉ bù Tết Nguyên đán Đinh Mùi", true},
		{"2027-02-12", true, ReasonWorking, "Ngày làm việc", true},
		{"2027-01-01", false, ReasonHoliday, "Tết Dương lịch", true},
		{"2027-04-16", false, ReasonHoliday, "Giỗ Tổ Hùng Vương", true}, // 10/3 Đinh Mùi
		{"2027-04-30", false, ReasonHoliday, "Ngày Chiến thắng", true},
		{"2027-05-03", false, ReasonCompensatory, "Nghỉ bù Quốc tế Lao động", true}, // 1/5 is a Saturday
		{"2027-09-01", false, ReasonHoliday, "Quốc khánh", true},
		{"2027-09-02", false, ReasonHoliday, "Quốc khánh", true},
		{"2027-09-03", true, ReasonWorking, "Ngày làm việc", true},
		// 2028: 30/4 is a Sunday, 1/5 a Monday: compensatory day Tuesday 2/5.
		{"2028-05-01", false, ReasonHoliday, "Quốc tế Lao động", true},
		{"2028-05-02", false, ReasonCompensatory, "Nghỉ bù Ngày Chiến thắng", true},
		// Tết 2030 is 02/02 at UTC+7 (03/02 in the UTC+8 calendar).
		{"2030-02-01", false, ReasonHoliday, "Tết Nguyên đán Canh Tuất", true},
		{"2030-02-07", false, ReasonCompensatory, "Nghỉ bù Tết Nguyên đán Canh Tuất", true},
		{"2030-02-08", true, ReasonWorking, "Ngày làm việc", true},
		{"2023-01-23", false, ReasonHoliday, "Tết Nguyên đán Quý Mão", true}, // lunar new year 2023-01-22
		{"2026-11-24", true, ReasonWorking, "Ngày làm việc", false},          // Culture Day is off by default
	} {
		w, r := c.IsWorkingDay(day(t, tc.date))
		if w != tc.working || r.Code != tc.code || !strings.HasPrefix(r.Name, tc.name) || r.Provisional != tc.prov {
			t.Errorf("%s: working=%v %+v, want %v %s %q provisional=%v", tc.date, w, r, tc.working, tc.code, tc.name, tc.prov)
		}
	}
	if w, r := c.IsWorkingDay(day(t, "2026-02-16").AddDate(-200, 0, 0)); w || r.Code != ReasonOutOfRange {
		t.Errorf("1826: %v %+v, want out of range", w, r)
	}
}

func TestProvisional(t *testing.T) {
	c := def(t)
	for y, want := range map[int]bool{1900: true, 2023: true, 2024: false, 2025: false, 2026: false, 2027: true, 2100: true, 1899: false, 2101: false} {
		if got := c.Provisional(y); got != want {
			t.Errorf("Provisional(%d) = %v, want %v", y, got, want)
		}
	}
	cfg := DefaultConfig()
	cfg.Confirmed = []int{2027}
	cfg.Schedules[2028] = YearSchedule{DaysOff: []DayRange{{Date{2028, 1, 24}, Date{2028, 2, 1}, "Tết Nguyên đán Mậu Thân"}}}
	c = mustNew(t, cfg)
	if c.Provisional(2027) || c.Provisional(2028) {
		t.Error("confirmed or replaced years are not provisional")
	}
	if w, r := c.IsWorkingDay(day(t, "2027-02-10")); w || r.Provisional || r.Code != ReasonCompensatory {
		t.Errorf("confirmed 2027 keeps its defaults: %v %+v", w, r)
	}
	// The replacement schedule has no 30/4, so that Sunday is a plain rest day.
	if w, r := c.IsWorkingDay(day(t, "2028-01-31")); w || r.Code != ReasonAnnounced {
		t.Errorf("2028-01-31: %v %+v", w, r)
	}
	if w, _ := c.IsWorkingDay(day(t, "2028-05-01")); !w {
		t.Error("2028-05-01 must be working in the replaced schedule")
	}
}

func TestCultureDayAndOverrides(t *testing.T) {
	cfg := DefaultConfig()
	cfg.CultureDay = true
	cfg.ExtraDaysOff = []NamedDate{{Date{2025, 3, 5}, "Nghỉ kiểm kê"}, {Date{2025, 3, 6}, ""}}
	cfg.ExtraWorkingDays = []NamedDate{{Date{2025, 3, 8}, "Trực tiếp nhận hồ sơ"}, {Date{2026, 2, 16}, ""}}
	c := mustNew(t, cfg)
	for _, tc := range []struct {
		date    string
		working bool
		code    ReasonCode
		name    string
	}{
		{"2025-11-24", true, ReasonWorking, "Ngày làm việc"}, // before the first year
		{"2026-11-24", false, ReasonHoliday, "Ngày Văn hóa Việt Nam"},
		{"2029-11-24", false, ReasonHoliday, "Ngày Văn hóa Việt Nam"}, // a Saturday
		{"2029-11-26", false, ReasonCompensatory, "Nghỉ bù Ngày Văn hóa Việt Nam"},
		{"2030-11-25", false, ReasonCompensatory, "Nghỉ bù Ngày Văn hóa Việt Nam"}, // 24/11/2030 is a Sunday
		{"2025-03-05", false, ReasonOverride, "Nghỉ kiểm kê"},
		{"2025-03-06", false, ReasonOverride, "Ngày nghỉ theo quyết định của cơ quan"},
		{"2025-03-08", true, ReasonOverride, "Trực tiếp nhận hồ sơ"},
		{"2026-02-16", true, ReasonOverride, "Ngày làm việc theo quyết định của cơ quan"},
	} {
		w, r := c.IsWorkingDay(day(t, tc.date))
		if w != tc.working || r.Code != tc.code || r.Name != tc.name {
			t.Errorf("%s: working=%v %+v, want %v %s %q", tc.date, w, r, tc.working, tc.code, tc.name)
		}
	}
}

func TestYear(t *testing.T) {
	var got []string
	for _, d := range def(t).Year(2026) {
		got = append(got, d.Date.String())
	}
	want := "2026-01-01 2026-01-02 2026-01-10 2026-02-16 2026-02-17 2026-02-18 2026-02-19 2026-02-20 " +
		"2026-04-27 2026-04-30 2026-05-01 2026-08-22 2026-08-31 2026-09-01 2026-09-02"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("Year(2026) =\n%s\nwant\n%s", s, want)
	}
	if def(t).Year(2101) != nil {
		t.Error("Year(2101) must be nil")
	}
}

func TestNewValidates(t *testing.T) {
	for name, edit := range map[string]func(*Config){
		"no hours":       func(c *Config) { c.OfficeHours = nil },
		"reversed span":  func(c *Config) { c.OfficeHours = []Span{{600, 540}} },
		"empty span":     func(c *Config) { c.OfficeHours = []Span{{600, 600}} },
		"past midnight":  func(c *Config) { c.OfficeHours = []Span{{1380, 1441}} },
		"negative":       func(c *Config) { c.OfficeHours = []Span{{-1, 60}} },
		"overlap":        func(c *Config) { c.OfficeHours = []Span{{450, 700}, {690, 1020}} },
		"unordered":      func(c *Config) { c.OfficeHours = []Span{{780, 1020}, {450, 690}} },
		"no working day": func(c *Config) { c.RestDays = []time.Weekday{0, 1, 2, 3, 4, 5, 6} },
		"bad weekday":    func(c *Config) { c.RestDays = []time.Weekday{7} },
		"cutoff":         func(c *Config) { c.SameDayCutoff = 1440 },
		"culture year":   func(c *Config) { c.CultureDay, c.CultureDayFrom = true, 1800 },
		"confirmed year": func(c *Config) { c.Confirmed = []int{2101} },
		"bad extra day":  func(c *Config) { c.ExtraDaysOff = []NamedDate{{Date{2025, 2, 31}, "x"}} },
		"off and working": func(c *Config) {
			c.ExtraDaysOff, c.ExtraWorkingDays = []NamedDate{{Date{2025, 3, 5}, ""}}, []NamedDate{{Date{2025, 3, 5}, ""}}
		},
		"bad schedule": func(c *Config) {
			c.Schedules[2027] = YearSchedule{WorkingSaturdays: []Date{{2027, 1, 4}}}
		},
	} {
		cfg := DefaultConfig()
		edit(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted an invalid config", name)
		}
	}
	cfg := DefaultConfig()
	cfg.OfficeHours = []Span{{0, 720}, {720, 1440}} // touching spans are allowed
	cfg.RestDays = nil
	c := mustNew(t, cfg)
	if c.MinutesPerDay() != 1440 || def(t).MinutesPerDay() != 480 {
		t.Errorf("MinutesPerDay = %d, %d", c.MinutesPerDay(), def(t).MinutesPerDay())
	}
}

func TestCanChi(t *testing.T) {
	for y, want := range map[int]string{2024: "Giáp Thìn", 2025: "Ất Tỵ", 2026: "Bính Ngọ", 2027: "Đinh Mùi", 1900: "Canh Tý", 2023: "Quý Mão"} {
		if got := canChi(y); got != want {
			t.Errorf("canChi(%d) = %q, want %q", y, got, want)
		}
	}
}
