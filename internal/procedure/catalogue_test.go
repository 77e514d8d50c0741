package procedure

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
)

// rec is a small valid record; tests splice fields into it.
const rec = `{"id": "edu-001", "code": "2.001914.000.00.00.H50", "name": "Chỉnh sửa nội dung văn bằng, chứng chỉ", "duration": {"value": 5, "unit": "working_days"}, "online": "full", "fee": null, "steps": null, "source": "https://example.invalid/1"}`

// withField returns rec with extra JSON members added at the end.
func withField(extra string) string {
	return strings.TrimSuffix(rec, "}") + ", " + extra + "}"
}

// recWith builds a record from the id, name and extra members.
func recWith(id, extra string) string {
	s := `{"id": "` + id + `", "name": "Thủ tục ` + id + `"`
	if extra != "" {
		s += ", " + extra
	}
	return s + "}"
}

func array(records ...string) []byte {
	return []byte("[\n" + strings.Join(records, ",\n") + "\n]\n")
}

func TestParseCatalogueBadInput(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		index int    // RecordError.Index wanted; 0: not a record error
		want  string // the whole message, or a part of it when prefixed with "…"
	}{
		// Shape: unknown fields and wrong types.
		{"unknown field", array(withField(`"colour": "red"`)), 1,
			`record 1 (id "edu-001"): unknown field "colour"`},
		{"unknown field differs only in case", array(withField(`"Notes": "x"`)), 1,
			`record 1 (id "edu-001"): unknown field "Notes"`},
		{"unknown field in duration", array(recWith("a", `"duration": {"value": 5, "unit": "working_days", "from": "receipt"}`)), 1,
			`record 1 (id "a"): unknown field "duration.from"`},
		{"unknown field in a step", array(recWith("a", `"steps": [{"role": "Chuyên viên", "actor": "x", "duration": null}, {"rol": "Văn thư"}]`)), 1,
			`record 1 (id "a"): unknown field "steps[2].rol"`},
		{"steps_partial only inside alt", array(recWith("a", `"steps_partial": []`)), 1,
			`record 1 (id "a"): unknown field "steps_partial"`},
		{"duplicated field", array(`{"id": "a", "name": "x", "name": "y"}`), 1,
			`record 1 (id "a"): field "name" appears twice`},
		{"name is a number", array(recWith("a", ""), `{"id": "b", "name": 5}`), 2,
			`record 2 (id "b"): name must be a string, not a number`},
		{"id is a number", array(`{"id": 7, "name": "x"}`), 1,
			`record 1: id must be a string, not a number`},
		{"duration value is a string", array(recWith("a", `"duration": {"value": "5", "unit": "working_days"}`)), 1,
			`record 1 (id "a"): duration.value must be a number, not a string`},
		{"duration is a number", array(recWith("a", `"duration": 5`)), 1,
			`record 1 (id "a"): duration must be an object, not a number`},
		{"steps is an object", array(recWith("a", `"steps": {}`)), 1,
			`record 1 (id "a"): steps must be an array, not an object`},
		{"step duration value is true", array(recWith("a", `"steps": [{"role": "Chuyên viên", "actor": "x", "duration": {"value": true, "unit": "hours"}}]`)), 1,
			`record 1 (id "a"): steps[1].duration.value must be a number, not true or false`},
		{"duration_derived is a string", array(recWith("a", `"duration_derived": "yes"`)), 1,
			`record 1 (id "a"): duration_derived must be true or false, not a string`},
		{"channels holds a number", array(recWith("a", `"channels": ["Trực tiếp", 2]`)), 1,
			`record 1 (id "a"): channels[2] must be a string, not a number`},
		{"alt is an object", array(recWith("a", `"alt": {"province": "Huế"}`)), 1,
			`record 1 (id "a"): alt must be an array, not an object`},
		{"record is a number", array(recWith("a", ""), `5`), 2,
			`record 2: a record must be an object, not a number`},
		{"record is null", array(`null`), 1,
			`record 1: a record must be an object, not null`},
		{"number out of range", array(recWith("a", `"duration": {"value": 1e400, "unit": "working_days"}`)), 1,
			`record 1 (id "a"): duration.value 1e400 is out of range`},

		// Legal durations.
		{"negative duration", array(recWith("edu-003", `"duration": {"value": -5, "unit": "working_days"}`)), 1,
			`record 1 (id "edu-003"): duration.value -5 must be between 1 and 365 for unit "working_days"`},
		{"zero working days", array(recWith("a", `"duration": {"value": 0, "unit": "working_days"}`)), 1,
			`record 1 (id "a"): duration.value 0 must be between 1 and 365 for unit "working_days"`},
		{"absurd working days", array(recWith("a", `"duration": {"value": 366, "unit": "working_days"}`)), 1,
			`record 1 (id "a"): duration.value 366 must be between 1 and 365 for unit "working_days"`},
		{"absurd hours", array(recWith("a", `"duration": {"value": 2921, "unit": "hours"}`)), 1,
			`record 1 (id "a"): duration.value 2921 must be between 1 and 2920 for unit "hours"`},
		{"absurd calendar days", array(recWith("a", `"duration": {"value": 731, "unit": "days"}`)), 1,
			`record 1 (id "a"): duration.value 731 must be between 1 and 730 for unit "days"`},
		{"fractional duration", array(recWith("a", `"duration": {"value": 1.5, "unit": "working_days"}`)), 1,
			`record 1 (id "a"): duration.value 1.5 must be a whole number`},
		{"same day with a value", array(recWith("a", `"duration": {"value": 1, "unit": "same_day"}`)), 1,
			`record 1 (id "a"): duration.value 1 must be 0 for unit "same_day"`},
		{"unknown unit", array(recWith("a", `"duration": {"value": 2, "unit": "weeks"}`)), 1,
			`…record 1 (id "a"): duration.unit "weeks" must be "working_days", "hours"`},
		{"missing unit", array(recWith("a", `"duration": {"value": 2}`)), 1,
			`…record 1 (id "a"): duration.unit is required`},
		{"missing value", array(recWith("a", `"duration": {"unit": "hours"}`)), 1,
			`…record 1 (id "a"): duration.value is required`},
		{"null value", array(recWith("a", `"duration": {"value": null, "unit": "hours"}`)), 1,
			`…record 1 (id "a"): duration.value is required`},

		// Steps.
		{"negative step duration", array(recWith("a", `"steps": [{"role": "Chuyên viên", "actor": "x", "duration": {"value": -1, "unit": "hours"}}]`)), 1,
			`record 1 (id "a"): steps[1].duration.value -1 must be between 0 and 2920 for unit "hours"`},
		{"absurd step duration", array(recWith("a", `"steps": [{"role": "Chuyên viên", "actor": "x", "duration": {"value": 400, "unit": "working_days"}}]`)), 1,
			`record 1 (id "a"): steps[1].duration.value 400 must be between 0 and 365 for unit "working_days"`},
		{"same-day step", array(recWith("a", `"steps": [{"role": "Chuyên viên", "actor": "x", "duration": {"value": 0, "unit": "same_day"}}]`)), 1,
			`…record 1 (id "a"): steps[1].duration.unit "same_day" cannot time a step`},
		{"unknown role", array(recWith("a", `"steps": [{"role": "Chuyên viên", "actor": "x", "duration": null}, {"role": "Giám đốc", "actor": "x", "duration": null}]`)), 1,
			`…record 1 (id "a"): steps[2].role "Giám đốc" must be one of`},
		{"missing role", array(recWith("a", `"steps": [{"actor": "x", "duration": null}]`)), 1,
			`record 1 (id "a"): steps[1].role is required`},
		{"step without a unit", array(recWith("a", `"steps": [{"role": "Văn thư", "actor": "x", "duration": {"value": 2}}]`)), 1,
			`…record 1 (id "a"): steps[1].duration.unit is required`},

		// Identity.
		{"duplicate id", array(recWith("edu-001", ""), recWith("edu-002", ""), recWith("edu-001", "")), 3,
			`record 3 (id "edu-001"): id "edu-001" is already used by record 1`},
		{"duplicate id after NFC", array(recWith("edu-\u1ea3", ""), recWith("edu-a\u0309", "")), 2,
			`record 2 (id "edu-ả"): id "edu-ả" is already used by record 1`},
		{"duplicate code", array(recWith("a", `"code": "1.005144"`), recWith("b", `"code": " 1.005144 "`)), 2,
			`record 2 (id "b"): code "1.005144" is already used by record 1`},
		{"empty id", array(`{"id": "  ", "name": "x"}`), 1,
			`record 1: id is required`},
		{"missing id", array(`{"name": "x"}`), 1,
			`record 1: id is required`},
		{"id with a space", array(`{"id": "edu 1", "name": "x"}`), 1,
			`record 1 (id "edu 1"): id "edu 1" contains a space`},
		{"empty name", array(`{"id": "a", "name": ""}`), 1,
			`record 1 (id "a"): name is required`},
		{"blank name", array(`{"id": "a", "name": " \t "}`), 1,
			`record 1 (id "a"): name is required`},
		{"null name", array(`{"id": "a", "name": null}`), 1,
			`record 1 (id "a"): name is required`},
		{"missing name", array(`{"id": "a"}`), 1,
			`record 1 (id "a"): name is required`},
		{"name on two lines", array(`{"id": "a", "name": "Cấp\nbản sao"}`), 1,
			`record 1 (id "a"): name contains the control character U+000A`},
		{"lone surrogate", array(`{"id": "a", "name": "x\ud800y"}`), 1,
			`record 1 (id "a"): name contains U+FFFD, a character lost by a bad text conversion`},

		// Other values.
		{"unknown online level", array(recWith("a", `"online": "Toàn trình"`)), 1,
			`record 1 (id "a"): online "Toàn trình" must be "full", "partial" or null`},

		// Encoding and syntax.
		{"invalid UTF-8", []byte("[\n" + recWith("a", "") + ",\n{\"id\": \"b\", \"name\": \"Ch\xe1nh\"}\n]"), 2,
			`record 2 (id "b"): invalid UTF-8 at byte offset 63 (the catalogue must be UTF-8 text)`},
		{"invalid UTF-8 outside records", []byte("[]\n\xff"), 0,
			`invalid UTF-8 at byte offset 3 (the catalogue must be UTF-8 text)`},
		{"syntax error in record 2", []byte("[\n" + recWith("a", "") + ",\n{\"id\": \"b\", \"name\": }\n]"), 2,
			`record 2: invalid JSON at line 3, column 21 (byte offset 60): invalid character '}' looking for beginning of value`},
		{"unterminated array", []byte(`[{"id": "a", "name": "x"}`), 2,
			`record 2: invalid JSON at line 1, column 26 (byte offset 25): unexpected end of JSON input`},
		{"data after the array", []byte(`[] []`), 0,
			`invalid JSON at line 1, column 4 (byte offset 3): invalid character '[' after top-level value`},
		{"an object, not an array", []byte(rec), 0,
			`the catalogue must be a JSON array of procedures, not an object`},
		{"null catalogue", []byte(`null`), 0,
			`the catalogue must be a JSON array of procedures, not null`},
		{"empty input", []byte{}, 0,
			`the catalogue is empty: expected a JSON array of procedures`},
		{"blank input", []byte(" \n"), 0,
			`the catalogue is empty: expected a JSON array of procedures`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := ParseCatalogue(tc.data)
			if err == nil {
				t.Fatalf("no error; got %d procedures", len(ps))
			}
			if ps != nil {
				t.Errorf("procedures returned with the error: %v", ps)
			}
			msg := err.Error()
			if part, ok := strings.CutPrefix(tc.want, "…"); ok {
				if !strings.Contains(msg, part) {
					t.Errorf("error\n  %s\ndoes not contain\n  %s", msg, part)
				}
			} else if msg != tc.want {
				t.Errorf("error\n  %s\nwant\n  %s", msg, tc.want)
			}
			if strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error is not one line: %q", msg)
			}
			var re *RecordError
			switch {
			case tc.index == 0 && errors.As(err, &re):
				t.Errorf("got a RecordError for record %d, want a plain error", re.Index)
			case tc.index != 0 && !errors.As(err, &re):
				t.Errorf("got %T, want *RecordError", err)
			case tc.index != 0 && re.Index != tc.index:
				t.Errorf("RecordError.Index = %d, want %d", re.Index, tc.index)
			}
		})
	}
}

func TestParseCatalogueMinutesPerDay(t *testing.T) {
	for _, m := range []int{-1, 1441} {
		if _, err := ParseCatalogueWith(array(rec), m); err == nil {
			t.Errorf("minutesPerDay %d: no error", m)
		}
	}
	if _, err := Import(array(rec), -480); err == nil {
		t.Error("Import with minutesPerDay -480: no error")
	}
}

func TestParseCatalogueRecord(t *testing.T) {
	ps, err := ParseCatalogue(array(rec))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Fatalf("got %d procedures, want 1", len(ps))
	}
	p := ps[0]
	if p.Key != "edu-001" || p.Code != "2.001914.000.00.00.H50" {
		t.Errorf("Key, Code = %q, %q", p.Key, p.Code)
	}
	if p.Name != "Chỉnh sửa nội dung văn bằng, chứng chỉ" {
		t.Errorf("Name = %q", p.Name)
	}
	if p.Legal == nil || *p.Legal != (calendar.Duration{Value: 5, Unit: calendar.WorkingDays}) {
		t.Errorf("Legal = %+v", p.Legal)
	}
	if p.Online != OnlineFull || p.Fee != "" || p.Source != "https://example.invalid/1" {
		t.Errorf("Online, Fee, Source = %q, %q, %q", p.Online, p.Fee, p.Source)
	}
	if p.Steps != nil || p.StepsGenerated {
		t.Errorf("Steps = %v, StepsGenerated = %v; want none, false", p.Steps, p.StepsGenerated)
	}
	if !p.EffectiveFrom.IsZero() {
		t.Errorf("EffectiveFrom = %v, want zero", p.EffectiveFrom)
	}
}

func TestParseCatalogueAllFields(t *testing.T) {
	// Every field of the source format, including alt objects with keys of
	// their own and a step_partial inside them.
	full := `{
  "id": "edu-900", "code": null, "name": "Xét, cấp học bổng chính sách",
  "name_variants": ["Cấp học bổng"], "field": "Giáo dục- Đào Tạo", "field_code": null,
  "level": "provincial", "agency": "Sở Giáo dục và Đào tạo", "province": "Bình Phước",
  "decision": "1852/QĐ-UBND", "local_code": "VBCC01",
  "duration": {"value": 22, "unit": "working_days"}, "duration_text": "22 ngày làm việc",
  "duration_derived": false, "duration_source": "https://example.invalid/d",
  "online": "partial", "online_raw": "Mức độ 3", "channels": ["Trực tiếp", "Trực tuyến"],
  "fee": "10.000 đồng", "fee_raw": "Lệ phí: 10.000 đồng",
  "steps": [
    {"role": "Bộ phận Một cửa", "actor": "TTPVHCC", "duration": {"value": 0.5, "unit": "working_days"}},
    {"role": "Sở chuyên ngành", "actor": "Sở Nội vụ", "duration": {"value": 20, "unit": "days"}},
    {"role": "Trả kết quả", "actor": "TTPVHCC", "duration": null, "note": "không ghi thời gian"}
  ],
  "source": "https://example.invalid/s", "code_source": "https://example.invalid/c",
  "alt": [
    {"province": "Đồng Tháp", "code": "1.002407", "duration": {"value": 1.5, "unit": "fortnights"}, "steps_partial": [{"role": "?", "x": 1}], "level": 3},
    "anything", 42, null
  ],
  "notes": "Mã cũ."
}`
	ps, err := ParseCatalogueWith(array(full), 480)
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	if p.Code != "" || p.FieldCode != "" || p.Field != "Giáo dục- Đào Tạo" || p.Level != "provincial" {
		t.Errorf("Code %q FieldCode %q Field %q Level %q", p.Code, p.FieldCode, p.Field, p.Level)
	}
	if p.Online != OnlinePartial || p.Fee != "10.000 đồng" || p.DurationText != "22 ngày làm việc" {
		t.Errorf("Online %q Fee %q DurationText %q", p.Online, p.Fee, p.DurationText)
	}
	want := []Step{
		{Role: auth.Reception, Actor: "TTPVHCC", Budget: 240},
		{Actor: "Sở Nội vụ", Budget: 9600, External: true},
		{Role: auth.Reception, Actor: "TTPVHCC", Budget: 0, Note: "không ghi thời gian"},
	}
	assertSteps(t, p.Steps, want)
}

func assertSteps(t *testing.T, got, want []Step) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d steps, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("step %d = %+v, want %+v", i+1, got[i], want[i])
		}
	}
}

func TestParseCatalogueUnits(t *testing.T) {
	tests := []struct {
		src  string
		want calendar.Duration
	}{
		{`{"value": 15, "unit": "working_days"}`, calendar.Duration{Value: 15, Unit: calendar.WorkingDays}},
		{`{"value": 40, "unit": "hours"}`, calendar.Duration{Value: 40, Unit: calendar.WorkingHours}},
		{`{"value": 40, "unit": "working_hours"}`, calendar.Duration{Value: 40, Unit: calendar.WorkingHours}},
		{`{"value": 15, "unit": "days"}`, calendar.Duration{Value: 15, Unit: calendar.CalendarDays}},
		{`{"value": 15, "unit": "calendar_days"}`, calendar.Duration{Value: 15, Unit: calendar.CalendarDays}},
		{`{"value": 0, "unit": "same_day"}`, calendar.Duration{Value: 0, Unit: calendar.SameDay}},
		{`{"value": 0.0, "unit": "same_day"}`, calendar.Duration{Value: 0, Unit: calendar.SameDay}},
		{`{"value": 5.0, "unit": " working_days "}`, calendar.Duration{Value: 5, Unit: calendar.WorkingDays}},
		{`{"value": 365, "unit": "working_days"}`, calendar.Duration{Value: 365, Unit: calendar.WorkingDays}},
		{`{"value": 2920, "unit": "hours"}`, calendar.Duration{Value: 2920, Unit: calendar.WorkingHours}},
		{`{"value": 730, "unit": "days"}`, calendar.Duration{Value: 730, Unit: calendar.CalendarDays}},
	}
	for _, tc := range tests {
		ps, err := ParseCatalogue(array(recWith("a", `"duration": `+tc.src)))
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if ps[0].Legal == nil || *ps[0].Legal != tc.want {
			t.Errorf("%s: Legal = %+v, want %+v", tc.src, ps[0].Legal, tc.want)
		}
	}
	ps, err := ParseCatalogue(array(recWith("a", `"duration": null`), recWith("b", "")))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Legal != nil {
			t.Errorf("%s: Legal = %+v, want nil (no legal duration)", p.Key, p.Legal)
		}
	}
}

func TestParseCatalogueOnline(t *testing.T) {
	for src, want := range map[string]OnlineLevel{
		`"full"`: OnlineFull, `"partial"`: OnlinePartial, `null`: OnlineNone,
		`"none"`: OnlineNone, `""`: OnlineNone, `" full "`: OnlineFull,
	} {
		ps, err := ParseCatalogue(array(recWith("a", `"online": `+src)))
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if ps[0].Online != want {
			t.Errorf("online %s: got %q, want %q", src, ps[0].Online, want)
		}
	}
}

func TestParseCatalogueNFC(t *testing.T) {
	nfc := "Chỉnh sửa nội dung văn bằng"
	// The same text with combining marks: i + hook above, u + horn + hook
	// above, … (ộ even as o + circumflex + dot below, not in canonical order).
	decomposed := "Chi\u0309nh su\u031b\u0309a no\u0302\u0323i dung va\u0306n ba\u0306\u0300ng"
	if decomposed == nfc {
		t.Fatal("test data: the decomposed string equals the NFC one")
	}
	if norm.NFC.String(decomposed) != nfc {
		t.Fatalf("test data: %q does not compose to %q", decomposed, nfc)
	}
	src := `{"id": " edu-1 ", "name": "  ` + decomposed + ` ", "field": "Gia\u0301o du\u0323c", ` +
		`"steps": [{"role": "Chuye\u0302n vie\u0302n", "actor": " Pho\u0300ng  ", "duration": {"value": 2, "unit": "hours"}}]}`
	ps, err := ParseCatalogue(array(src))
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	if p.Name != nfc {
		t.Errorf("Name = %q, want the NFC %q", p.Name, nfc)
	}
	if p.Key != "edu-1" || p.Field != "Giáo dục" {
		t.Errorf("Key %q Field %q", p.Key, p.Field)
	}
	assertSteps(t, p.Steps, []Step{{Role: auth.Specialist, Actor: "Phòng", Budget: 120}})

	// The canonical NFD of a whole real name.
	name := "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc (tại cấp tỉnh)"
	ps, err = ParseCatalogue(array(`{"id": "a", "name": "` + norm.NFD.String(name) + `"}`))
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].Name != name {
		t.Errorf("Name = %q, want %q", ps[0].Name, name)
	}
}

func TestParseCatalogueSteps(t *testing.T) {
	steps := `"steps": [
		{"role": "Bộ phận Một cửa", "actor": "a1", "duration": {"value": 0.5, "unit": "working_days"}},
		{"role": "Sở GD&ĐT", "actor": "a2", "duration": {"value": 1, "unit": "days"}},
		{"role": "Chuyên viên", "actor": "a3", "duration": {"value": 1.5, "unit": "hours"}},
		{"role": "Lãnh đạo phòng", "actor": "a4", "duration": {"value": 2, "unit": "working_hours"}},
		{"role": "Lãnh đạo cơ quan", "actor": "a5", "duration": null},
		{"role": "Văn thư", "actor": "a6", "duration": {"value": 1, "unit": "calendar_days"}},
		{"role": "UBND tỉnh", "actor": "a7", "duration": {"value": 3, "unit": "working_days"}},
		{"role": "Cơ sở giáo dục", "actor": "a8", "duration": {"value": 0, "unit": "working_days"}},
		{"role": "Sở chuyên ngành", "actor": "a9", "duration": null},
		{"role": "Trả kết quả", "actor": "a10", "duration": null, "note": "giờ hành chính"}
	]`
	ps, err := ParseCatalogueWith(array(recWith("a", steps)), 420)
	if err != nil {
		t.Fatal(err)
	}
	assertSteps(t, ps[0].Steps, []Step{
		{Role: auth.Reception, Actor: "a1", Budget: 210},
		{Role: auth.Specialist, Actor: "a2", Budget: 420},
		{Role: auth.Specialist, Actor: "a3", Budget: 90},
		{Role: auth.DivisionHead, Actor: "a4", Budget: 120},
		{Role: auth.Leadership, Actor: "a5", Budget: 0},
		{Role: auth.Clerk, Actor: "a6", Budget: 420},
		{Actor: "a7", Budget: 1260, External: true},
		{Actor: "a8", Budget: 0, External: true},
		{Actor: "a9", Budget: 0, External: true},
		{Role: auth.Reception, Actor: "a10", Budget: 0, Note: "giờ hành chính"},
	})
	if ps[0].StepsGenerated {
		t.Error("published steps marked StepsGenerated")
	}

	// An empty steps array is "no published plan".
	ps, err = ParseCatalogue(array(recWith("a", `"steps": []`)))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps[0].Steps) != 0 {
		t.Errorf("steps [] gave %v", ps[0].Steps)
	}
}

func TestParseCatalogueMisc(t *testing.T) {
	// A byte-order mark is ignored; an empty array is an empty catalogue.
	ps, err := ParseCatalogue(append([]byte{0xEF, 0xBB, 0xBF}, array(rec)...))
	if err != nil || len(ps) != 1 {
		t.Errorf("with a BOM: %d procedures, %v", len(ps), err)
	}
	ps, err = ParseCatalogue([]byte(" [ ] "))
	if err != nil || len(ps) != 0 {
		t.Errorf("empty array: %v, %v", ps, err)
	}
	// Records keep file order; codes are unique only when present.
	ps, err = ParseCatalogue(array(recWith("b", `"code": null`), recWith("a", `"code": ""`), recWith("c", "")))
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].Key != "b" || ps[1].Key != "a" || ps[2].Key != "c" {
		t.Errorf("order: %s %s %s", ps[0].Key, ps[1].Key, ps[2].Key)
	}
}

func TestImport(t *testing.T) {
	ps, err := Import(array(rec, recWith("b", "")), 480)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if !p.StepsGenerated || len(p.Steps) != 5 {
			t.Errorf("%s: StepsGenerated %v, %d steps; want the default plan", p.Key, p.StepsGenerated, len(p.Steps))
		}
	}
	if got := ps[0].PlanMinutes(); got != 5*480 {
		t.Errorf("edu-001 plan = %d minutes, want %d", got, 5*480)
	}

	// A published plan longer than the legal duration.
	over := recWith("edu-007", `"duration": {"value": 10, "unit": "working_days"}, "steps": [
		{"role": "Sở GD&ĐT", "actor": "Sở", "duration": {"value": 80, "unit": "hours"}},
		{"role": "UBND tỉnh", "actor": "UBND", "duration": {"value": 400, "unit": "working_hours"}}]`)
	_, err = Import(array(rec, over), 480)
	want := `record 2 (id "edu-007"): procedure "Thủ tục edu-007": the step plan needs 28800 working minutes (480h) but the legal duration 10 working days allows 4800`
	if err == nil || err.Error() != want {
		t.Errorf("error\n  %v\nwant\n  %s", err, want)
	}
	var re *RecordError
	if !errors.As(err, &re) || re.Index != 2 || re.ID != "edu-007" {
		t.Errorf("RecordError = %+v", re)
	}

	// Parse errors come through as they are.
	if _, err := Import([]byte(`{}`), 480); err == nil {
		t.Error("Import of an object: no error")
	}
}
