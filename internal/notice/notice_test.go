package notice

import (
	"strings"
	"testing"
	"time"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/procedure"
)

func vn(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func testCal(t *testing.T) *calendar.Calendar {
	c, err := calendar.New(calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// specialist returns a dossier of 5 working days accepted Monday 03/03/2025
// 09:00 (due Monday 10/03 17:00) and with the specialist (budget 1560
// minutes) from 10:00.
func specialist(t *testing.T, cal *calendar.Calendar) dossier.State {
	v := procedure.Version{Name: "Chỉnh sửa nội dung văn bằng, chứng chỉ", Legal: &calendar.Duration{Value: 5, Unit: calendar.WorkingDays}}
	v.EnsurePlan(procedure.DefaultMinutesPerDay)
	proc := dossier.ProcedureRef{ID: "p5", Version: 1, Procedure: procedure.Procedure{Key: "edu-001", Version: v}}
	desk := dossier.Actor{UserID: "u-rec", Name: "Lê Thị Hoa", UnitID: "motcua", Roles: []auth.Role{auth.Reception}}
	var s dossier.State
	for _, step := range []struct {
		cmd dossier.Command
		at  time.Time
	}{
		{dossier.Receive{Channel: dossier.InPerson, Applicant: dossier.Applicant{Kind: 1, Name: "Nguyễn Văn An"}}, vn("2025-03-03 09:00")},
		{dossier.Transfer{ToStep: 1, ToUnit: "phong-trh", ToUser: "u-spec"}, vn("2025-03-03 10:00")},
	} {
		evs, err := dossier.Decide(s, step.cmd, desk, dossier.Env{Now: step.at, Calendar: cal, Procedure: proc, Code: "000.00.08.H44-250303-0001", Secret: "K"})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if err := s.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

func TestPlanFiresEachRungOnceAndMergesWhenBehind(t *testing.T) {
	cal := testCal(t)
	s := specialist(t, cal)
	fired := map[string]bool{}
	isFired := func(k string) bool { return fired[k] }

	// On time: at the 50 % rung only that rung fires, to the holder.
	alerts, next := Plan(s, cal, dossier.DefaultLadder, isFired, vn("2025-03-04 16:30"))
	if len(alerts) != 1 || alerts[0].Key != "step2-50%" || alerts[0].Audience != Holder || len(alerts[0].Merged) != 0 {
		t.Fatalf("50 %%: %+v", alerts)
	}
	if !next.Equal(vn("2025-03-05 16:18")) {
		t.Errorf("next %s", next.In(calendar.Zone))
	}
	if !strings.Contains(alerts[0].Title, "đã dùng 50% thời gian") || !strings.Contains(alerts[0].Body, "Hạn của bước: 13:30 06/03/2025") {
		t.Errorf("text: %q / %q", alerts[0].Title, alerts[0].Body)
	}
	fired["step2-50%"] = true
	if again, _ := Plan(s, cal, dossier.DefaultLadder, isFired, vn("2025-03-04 16:30")); len(again) != 0 {
		t.Fatalf("fired twice: %+v", again)
	}

	// Behind (the watcher was down from Wednesday to Monday 11:00): per
	// family the latest rung fires and stands for the earlier ones.
	alerts, next = Plan(s, cal, dossier.DefaultLadder, isFired, vn("2025-03-10 11:00"))
	got := map[string][]string{}
	for _, a := range alerts {
		for _, m := range a.Merged {
			got[a.Key] = append(got[a.Key], m.Key)
		}
		if got[a.Key] == nil {
			got[a.Key] = []string{}
		}
	}
	want := map[string][]string{
		"step2-100%":        {"step2-80%"},
		"due2503101700-1d":  {"due2503101700-2d"},
		"apology2503101700": {},
	}
	if len(got) != len(want) {
		t.Fatalf("alerts %v, want %v", got, want)
	}
	for k, ms := range want {
		if strings.Join(got[k], ",") != strings.Join(ms, ",") {
			t.Errorf("%s merged %v, want %v", k, got[k], ms)
		}
	}
	if !next.Equal(vn("2025-03-10 17:00")) {
		t.Errorf("next %s", next.In(calendar.Zone))
	}
	for _, a := range alerts {
		switch a.Kind {
		case dossier.RungApology:
			if a.Audience != DivisionHead|Leadership || !a.Deadline.Equal(vn("2025-03-07 17:00")) || !strings.Contains(a.Body, "Đã quá thời hạn này") {
				t.Errorf("apology %+v", a)
			}
		case dossier.RungDue:
			if a.Audience != Holder|DivisionHead || !strings.Contains(a.Title, "còn 1 ngày làm việc") {
				t.Errorf("1 day %+v", a)
			}
		}
	}

	// Overdue: holder, head and leadership.
	for _, a := range alerts {
		fired[a.Key] = true
		for _, m := range a.Merged {
			fired[m.Key] = true
		}
	}
	fired["due2503101700-0d"] = true
	alerts, _ = Plan(s, cal, dossier.DefaultLadder, isFired, vn("2025-03-11 07:30"))
	if len(alerts) != 1 || alerts[0].Key != "overdue2025-03-11" || alerts[0].Audience != Holder|DivisionHead|Leadership {
		t.Fatalf("overdue %+v", alerts)
	}
	alerts, _ = Plan(s, cal, dossier.DefaultLadder, isFired, vn("2025-03-12 09:00"))
	if len(alerts) != 1 || !strings.Contains(alerts[0].Body, "Đã quá hạn 1 ngày 1 giờ 30 phút làm việc") {
		t.Fatalf("second day %+v", alerts)
	}
}

func TestWakeKeepsAnUnsweptRungDue(t *testing.T) {
	cal := testCal(t)
	s := specialist(t, cal)
	none := func(string) bool { return false }
	at, ok := Wake(s, cal, dossier.DefaultLadder, none, vn("2025-03-04 17:00"))
	if !ok || !at.Equal(vn("2025-03-04 16:30")) {
		t.Fatalf("wake %s %v: the 50 %% rung is due and not fired", at.In(calendar.Zone), ok)
	}
	at, _ = Wake(s, cal, dossier.DefaultLadder, func(k string) bool { return k == "step2-50%" }, vn("2025-03-04 17:00"))
	if !at.Equal(vn("2025-03-05 16:18")) {
		t.Fatalf("wake %s", at.In(calendar.Zone))
	}
	// An agency ladder with an earlier step rung and no daily reminder.
	l := dossier.Ladder{StepPercents: []int{30}, DaysBefore: []int{3}}
	at, _ = Wake(s, cal, l, none, vn("2025-03-03 10:00"))
	if !at.Equal(cal.AddWorkingMinutes(vn("2025-03-03 10:00"), 1560*30/100)) {
		t.Fatalf("30 %% rung at %s", at.In(calendar.Zone))
	}
}

func TestSendAtWaitsForOfficeHours(t *testing.T) {
	cal := testCal(t)
	for _, c := range []struct {
		now, want string
		urgent    bool
	}{
		{"2025-03-04 10:00", "2025-03-04 10:00", false},
		{"2025-03-04 12:00", "2025-03-04 13:00", false}, // lunch
		{"2025-03-04 17:00", "2025-03-05 07:30", false}, // the close is not open
		{"2025-03-04 23:59", "2025-03-05 07:30", false},
		{"2025-03-08 09:00", "2025-03-10 07:30", false}, // Saturday
		{"2025-01-24 18:30", "2025-02-03 07:30", false}, // the evening before Tết
		{"2025-01-28 02:00", "2025-01-28 02:00", true},  // urgent goes at once
	} {
		if got := SendAt(cal, vn(c.now), c.urgent); !got.Equal(vn(c.want)) {
			t.Errorf("SendAt(%s, %v) = %s, want %s", c.now, c.urgent, got.In(calendar.Zone), c.want)
		}
		if !c.urgent && !InOfficeHours(cal, vn(c.want)) {
			t.Errorf("%s is not in office hours", c.want)
		}
	}
}

func TestCitizenMessages(t *testing.T) {
	cal := testCal(t)
	s := specialist(t, cal)
	s.Applicant.Name = "Nguyễn Văn An"
	for _, c := range []struct {
		e       dossier.Event
		subject string
		body    string
	}{
		{dossier.Event{Type: dossier.EvReceived}, "đã được tiếp nhận", "Sở GDĐT đã tiếp nhận hồ sơ «Chỉnh sửa nội dung văn bằng, chứng chỉ»"},
		{dossier.Event{Type: dossier.EvSupplementRequested, Reason: "Thiếu bản sao", Documents: []dossier.Document{{Name: "Bản sao văn bằng"}}}, "cần bổ sung giấy tờ", "  - Bản sao văn bằng"},
		{dossier.Event{Type: dossier.EvRescheduled, Reason: "Cần xác minh"}, "Thư xin lỗi và hẹn lại", "thành thật xin lỗi"},
		{dossier.Event{Type: dossier.EvResolved, Approved: true}, "đã có kết quả", "Mời ông/bà nhận kết quả"},
		{dossier.Event{Type: dossier.EvResolved, Reason: "Không đủ điều kiện"}, "đã có văn bản trả lời", "Lý do: Không đủ điều kiện"},
	} {
		m, ok := Citizen("Sở GDĐT", s, c.e)
		if !ok || !strings.Contains(m.Subject, c.subject) || !strings.Contains(m.Body, c.body) || !strings.HasPrefix(m.Body, "Kính gửi Nguyễn Văn An,") {
			t.Errorf("%s: %v %q\n%s", c.e.Type, ok, m.Subject, m.Body)
		}
	}
	if _, ok := Citizen("Sở GDĐT", s, dossier.Event{Type: dossier.EvTransferred}); ok {
		t.Error("a transfer is not the citizen's business")
	}
}

func TestDigest(t *testing.T) {
	one := Digest("Hoàng Văn Đức", []Item{{Title: "Hồ sơ X đến hạn giải quyết", Body: "…", Link: "/ho-so/X"}}, "https://d.example/")
	if one.Subject != "[dunghan] Hồ sơ X đến hạn giải quyết" || !strings.Contains(one.Body, "Xem hồ sơ: https://d.example/ho-so/X") {
		t.Errorf("%+v", one)
	}
	two := Digest("Hoàng Văn Đức", []Item{{Title: "a"}, {Title: "b"}}, "")
	if two.Subject != "[dunghan] 2 cảnh báo thời hạn hồ sơ" || !strings.Contains(two.Body, "\n2. b\n") {
		t.Errorf("%+v", two)
	}
}
