package procedure

import (
	"os"
	"testing"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
)

// realCatalogue is the shared data file, outside the module. The project will
// keep an embedded copy elsewhere; until then the test skips without it.
const realCatalogue = "../../../shared/data/procedures-education.json"

func readRealCatalogue(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(realCatalogue)
	if os.IsNotExist(err) {
		t.Skipf("%s not found", realCatalogue)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestRealCatalogue(t *testing.T) {
	data := readRealCatalogue(t)
	ps, err := ParseCatalogue(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 88 {
		t.Fatalf("%d records, want 88", len(ps))
	}
	var legal, none, codes int
	units := map[calendar.Unit]int{}
	online := map[OnlineLevel]int{}
	levels := map[string]int{}
	for _, p := range ps {
		if p.Legal != nil {
			legal++
			units[p.Legal.Unit]++
		} else {
			none++
		}
		if p.Code != "" {
			codes++
		}
		online[p.Online]++
		levels[p.Level]++
	}
	if legal != 41 || none != 47 {
		t.Errorf("%d with a legal duration, %d without; want 41 and 47", legal, none)
	}
	wantUnits := map[calendar.Unit]int{calendar.WorkingDays: 36, calendar.WorkingHours: 3, calendar.CalendarDays: 1, calendar.SameDay: 1}
	for u, n := range wantUnits {
		if units[u] != n {
			t.Errorf("%d durations in %s, want %d", units[u], u, n)
		}
	}
	if codes != 64 {
		t.Errorf("%d records with a code, want 64", codes)
	}
	if online[OnlineFull] != 48 || online[OnlinePartial] != 18 || online[OnlineNone] != 22 {
		t.Errorf("online levels %v, want full 48, partial 18, none 22", online)
	}
	if levels["provincial"] != 85 || levels["commune"] != 2 || levels[""] != 1 {
		t.Errorf("levels %v", levels)
	}

	// Import: every record gets a plan and every plan fits.
	for _, mpd := range []int{480, 420, 540} {
		imported, err := Import(data, mpd)
		if err != nil {
			t.Fatalf("%d min/day: %v", mpd, err)
		}
		for _, p := range imported {
			if len(p.Steps) == 0 {
				t.Errorf("%s: no plan after Import", p.Key)
			}
		}
	}

	imported, err := Import(data, 480)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Procedure{}
	published := 0
	for _, p := range imported {
		byKey[p.Key] = p
		if !p.StepsGenerated {
			published++
		}
	}
	if published != 6 {
		t.Errorf("%d records with published steps, want 6", published)
	}

	// Records with published steps keep them as published.
	wantSteps := map[string][]Step{
		"edu-007": {
			{Role: auth.Specialist, Actor: "Sở Giáo dục và Đào tạo", Budget: 20 * 480},
			{Actor: "Ủy ban nhân dân tỉnh", Budget: 5 * 480, External: true},
		},
		"edu-040": {
			{Role: auth.Reception, Actor: "Trung tâm Phục vụ Hành chính công tỉnh (tiếp nhận, chuyển hồ sơ)", Budget: 480},
			{Actor: "Sở Nội vụ / Sở Lao động - Thương binh và Xã hội (thẩm định, lập danh sách, chi trả)", Budget: 20 * 480, External: true},
			{Role: auth.Reception, Actor: "Trung tâm Phục vụ Hành chính công tỉnh", Budget: 0, Note: "không ghi thời gian"},
		},
		"edu-041": {
			{Role: auth.Reception, Actor: "Bộ phận tiếp nhận hồ sơ và trả kết quả của cơ sở GDNN/GDĐH công lập", Budget: 120},
			{Role: auth.DivisionHead, Actor: "Lãnh đạo Phòng chuyên môn (phân công)", Budget: 240},
			{Role: auth.Specialist, Actor: "Viên chức Phòng chuyên môn (thẩm tra, dự thảo kết quả)", Budget: 58 * 60},
			{Role: auth.DivisionHead, Actor: "Lãnh đạo Phòng chuyên môn (thẩm định, xác nhận dự thảo)", Budget: 360},
			{Role: auth.Leadership, Actor: "Lãnh đạo cơ sở GDNN/GDĐH công lập (ký phê duyệt)", Budget: 480},
			{Role: auth.Clerk, Actor: "Bộ phận văn thư nhà trường", Budget: 120},
			{Role: auth.Reception, Actor: "Bộ phận tiếp nhận hồ sơ và trả kết quả", Budget: 0, Note: "giờ hành chính"},
		},
	}
	for key, want := range wantSteps {
		p, ok := byKey[key]
		if !ok {
			t.Errorf("%s missing", key)
			continue
		}
		if p.StepsGenerated {
			t.Errorf("%s: published steps replaced by the default plan", key)
		}
		assertSteps(t, p.Steps, want)
	}
	for key, n := range map[string]int{"edu-011": 2, "edu-014": 3, "edu-042": 7} {
		if p := byKey[key]; p.StepsGenerated || len(p.Steps) != n {
			t.Errorf("%s: %d steps, generated %v; want %d published", key, len(p.Steps), p.StepsGenerated, n)
		}
	}

	// The plans the brief names: edu-040 21 of 22 days, edu-041/042 80 of 80 h,
	// edu-007 25 of 25 days.
	for key, want := range map[string][2]int{
		"edu-040": {21 * 480, 22 * 480},
		"edu-041": {80 * 60, 80 * 60},
		"edu-042": {80 * 60, 80 * 60},
		"edu-007": {25 * 480, 25 * 480},
		"edu-011": {16 * 480, 16 * 480},
		"edu-014": {13 * 480, 13 * 480},
	} {
		p := byKey[key]
		if got, c := p.PlanMinutes(), Capacity(*p.Legal, 480); got != want[0] || c != want[1] {
			t.Errorf("%s: plan %d of %d minutes, want %d of %d", key, got, c, want[0], want[1])
		}
	}

	// Records without a legal duration are flagged (Legal nil) and get an
	// untimed default plan; nothing is invented.
	if p := byKey["edu-006"]; p.Legal != nil || p.DurationText != "Không quy định" || p.PlanMinutes() != 0 || !p.StepsGenerated {
		t.Errorf("edu-006: Legal %v, text %q, plan %d minutes", p.Legal, p.DurationText, p.PlanMinutes())
	}
	if p := byKey["edu-005"]; p.Legal == nil || p.Legal.Unit != calendar.SameDay || DurationLabel(p.Legal) != "Trong ngày" {
		t.Errorf("edu-005: Legal %+v", p.Legal)
	}
	if p := byKey["edu-017"]; DurationLabel(p.Legal) != "15 ngày" || p.PlanMinutes() != 10*480 {
		t.Errorf("edu-017: %s, plan %d", DurationLabel(p.Legal), p.PlanMinutes())
	}

	// Fingerprints are distinct per record and stable across imports.
	again, err := Import(data, 480)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for i, p := range imported {
		fp := p.Fingerprint()
		if fp != again[i].Fingerprint() {
			t.Errorf("%s: fingerprint changed on re-import", p.Key)
		}
		if other, dup := seen[fp]; dup {
			t.Errorf("%s and %s share a fingerprint", other, p.Key)
		}
		seen[fp] = p.Key
	}
}
