package procedure

import (
	"reflect"
	"regexp"
	"testing"
	"time"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
)

// fullVersion has every field set, so that changing any one of them shows.
func fullVersion() Version {
	return Version{
		Name:              "Chuyển trường đối với học sinh trung học phổ thông",
		Field:             "Giáo dục trung học",
		FieldCode:         "G03-GD10",
		Level:             "provincial",
		Legal:             &calendar.Duration{Value: 40, Unit: calendar.WorkingHours, Cutoff: 900},
		DurationText:      "40 giờ",
		Online:            OnlinePartial,
		Fee:               "Không",
		RequiredDocuments: []string{"Đơn đề nghị", "Học bạ"},
		EffectiveFrom:     time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
		Source:            "https://example.invalid/4",
		Steps: []Step{
			{Role: auth.Reception, Actor: "Một cửa", Budget: 240, Note: "tiếp nhận"},
			{Actor: "UBND tỉnh", Budget: 600, External: true, Note: "ký"},
		},
		StepsGenerated: true,
	}
}

func TestFingerprintStable(t *testing.T) {
	a, b := fullVersion(), fullVersion()
	if a.Fingerprint() != b.Fingerprint() {
		t.Fatal("equal versions, different fingerprints")
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(a.Fingerprint()) {
		t.Errorf("fingerprint %q is not sha256 hex", a.Fingerprint())
	}
	// EffectiveFrom is not content.
	b.EffectiveFrom = b.EffectiveFrom.AddDate(1, 0, 0)
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("EffectiveFrom changed the fingerprint")
	}
	// A changed duration is a new version.
	b.Legal = &calendar.Duration{Value: 41, Unit: calendar.WorkingHours, Cutoff: 900}
	if a.Fingerprint() == b.Fingerprint() {
		t.Error("a changed duration kept the fingerprint")
	}
	// nil and empty slices are the same content.
	c, d := fullVersion(), fullVersion()
	c.RequiredDocuments, d.RequiredDocuments = nil, []string{}
	if c.Fingerprint() != d.Fingerprint() {
		t.Error("nil and empty RequiredDocuments differ")
	}
}

// The encoding must not change by accident: stored fingerprints would stop
// matching and every procedure would get a new version on the next import.
// When the encoding changes on purpose, bump fingerprintDomain and update this.
func TestFingerprintGolden(t *testing.T) {
	const want = "0e169597e1bfb5b8651b5b4d21f00e7d693fcda9e7657be2160baf169bf09914"
	if got := fullVersion().Fingerprint(); got != want {
		t.Errorf("Fingerprint() = %s, want %s", got, want)
	}
}

func TestFingerprintAmbiguity(t *testing.T) {
	pairs := []struct {
		name string
		a, b Version
	}{
		{"text moved between fields", Version{Name: "ab", Field: "c"}, Version{Name: "a", Field: "bc"}},
		{"no duration vs same day", Version{Name: "x"}, Version{Name: "x", Legal: &calendar.Duration{Unit: calendar.SameDay}}},
		{"step order", Version{Name: "x", Steps: []Step{{Role: auth.Reception}, {Role: auth.Clerk}}},
			Version{Name: "x", Steps: []Step{{Role: auth.Clerk}, {Role: auth.Reception}}}},
		{"document vs step", Version{Name: "x", RequiredDocuments: []string{""}}, Version{Name: "x", Steps: []Step{{}}}},
	}
	for _, p := range pairs {
		if p.a.Fingerprint() == p.b.Fingerprint() {
			t.Errorf("%s: same fingerprint", p.name)
		}
	}
}

// TestFingerprintCoversEveryField changes every field of Version, of its
// Duration and of its Steps, one at a time, and expects a new fingerprint
// (except EffectiveFrom). It fails when a field is added to the types but
// not to Fingerprint.
func TestFingerprintCoversEveryField(t *testing.T) {
	base := fullVersion().Fingerprint()
	var paths [][]int
	var walk func(typ reflect.Type, prefix []int)
	walk = func(typ reflect.Type, prefix []int) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			path := append(append([]int(nil), prefix...), i)
			ft := f.Type
			switch {
			case ft == reflect.TypeFor[time.Time]():
				paths = append(paths, path)
			case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
				walk(ft.Elem(), path)
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				walk(ft.Elem(), path)
			default:
				paths = append(paths, path)
			}
		}
	}
	walk(reflect.TypeFor[Version](), nil)

	for _, path := range paths {
		v := fullVersion()
		name := mutate(reflect.ValueOf(&v).Elem(), path, "")
		changed := v.Fingerprint() != base
		if name == "EffectiveFrom" {
			if changed {
				t.Errorf("%s changed the fingerprint", name)
			}
			continue
		}
		if !changed {
			t.Errorf("changing %s did not change the fingerprint", name)
		}
	}
	if len(paths) < 19 {
		t.Errorf("only %d fields walked", len(paths))
	}
}

// mutate changes the field at path (through pointers and the first element
// of slices) and returns its dotted name.
func mutate(v reflect.Value, path []int, name string) string {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Slice {
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		} else {
			v = v.Index(0)
		}
	}
	f := v.Field(path[0])
	if name != "" {
		name += "."
	}
	name += v.Type().Field(path[0]).Name
	if len(path) > 1 {
		return mutate(f, path[1:], name)
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(f.String() + "!")
	case reflect.Int:
		f.SetInt(f.Int() + 1)
	case reflect.Bool:
		f.SetBool(!f.Bool())
	case reflect.Slice: // []string
		f.Set(reflect.Append(f, reflect.Zero(f.Type().Elem())))
	case reflect.Struct: // time.Time
		f.Set(reflect.ValueOf(f.Interface().(time.Time).Add(time.Hour)))
	default:
		panic("mutate: unhandled kind " + f.Kind().String() + " of " + name)
	}
	return name
}

func TestFingerprintReimport(t *testing.T) {
	data := array(rec, recWith("b", `"steps": [{"role": "Chuyên viên", "actor": "x", "duration": {"value": 2, "unit": "hours"}}]`))
	first, err := Import(data, 480)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Import(data, 480)
	if err != nil {
		t.Fatal(err)
	}
	for i := range first {
		if first[i].Fingerprint() != again[i].Fingerprint() {
			t.Errorf("%s: re-import changed the fingerprint", first[i].Key)
		}
	}
	// The same record with a changed duration, and with a changed step.
	changed := array(
		`{"id": "edu-001", "code": "2.001914.000.00.00.H50", "name": "Chỉnh sửa nội dung văn bằng, chứng chỉ", "duration": {"value": 4, "unit": "working_days"}, "online": "full", "fee": null, "steps": null, "source": "https://example.invalid/1"}`,
		recWith("b", `"steps": [{"role": "Chuyên viên", "actor": "x", "duration": {"value": 3, "unit": "hours"}}]`))
	next, err := Import(changed, 480)
	if err != nil {
		t.Fatal(err)
	}
	for i := range first {
		if first[i].Fingerprint() == next[i].Fingerprint() {
			t.Errorf("%s: a changed record kept its fingerprint", first[i].Key)
		}
	}
}
