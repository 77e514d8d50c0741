package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// calendarCLI runs "dunghan calendar args…" and returns its exit status and output.
func calendarCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"calendar"}, args...), Env{Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestCalendarCLI(t *testing.T) {
	for _, tc := range []struct {
		args []string
		out  string // exact stdout
	}{
		{[]string{"due", "--at", "2025-01-23T10:00:00+07:00", "--duration", "5d"}, "2025-02-06T17:00:00+07:00\n"},
		{[]string{"due", "--at", "2025-01-23T10:00", "--duration", "5d"}, "2025-02-06T17:00:00+07:00\n"},
		{[]string{"due", "--at", "2025-03-07T16:00:00+07:00", "--duration", "4h"}, "2025-03-10T10:30:00+07:00\n"},
		{[]string{"due", "--at", "2025-03-05T10:00:00+07:00", "--duration", "4cd"}, "2025-03-10T17:00:00+07:00\n"},
		{[]string{"due", "--at", "2025-04-29T15:30:00+07:00", "--duration", "0d"}, "2025-05-05T17:00:00+07:00\n"},
		{[]string{"due", "--at", "2025-04-29T15:30:00+07:00", "--duration", "0d", "--cutoff", "16:00"}, "2025-04-29T17:00:00+07:00\n"},
		{[]string{"due", "--no-makeup-saturdays", "--at", "2026-01-09T10:00:00+07:00", "--duration", "1d"}, "2026-01-12T17:00:00+07:00\n"},
		{[]string{"due", "--culture-day", "--at", "2026-11-23T10:00:00+07:00", "--duration", "1d"}, "2026-11-25T17:00:00+07:00\n"},
		{[]string{"due", "--at", "2027-02-04T10:00:00+07:00", "--duration", "1d"}, "2027-02-12T17:00:00+07:00\n(tạm tính): lịch nghỉ của năm chưa được công bố hoặc xác nhận\n"},
		{[]string{"between", "--from", "2025-03-07T16:00:00+07:00", "--to", "2025-03-10T08:30:00+07:00"}, "120\n"},
		{[]string{"between", "--to", "2025-03-07T16:00:00+07:00", "--from", "2025-03-10T08:30:00+07:00"}, "0\n"},
		{[]string{"day", "2025-04-26"}, "working\nThứ Bảy làm bù\n"},
		{[]string{"day", "--no-makeup-saturdays", "2025-04-26"}, "off\nThứ Bảy làm bù (cơ quan không áp dụng làm bù)\n"},
		{[]string{"day", "2026-04-27"}, "off\nGiỗ Tổ Hùng Vương (26/4 là Chủ nhật, nghỉ bù thứ Hai 27/4)\n"},
		{[]string{"day", "2027-02-10"}, "off\nNghỉ bù Tết Nguyên đán Đinh Mùi (tạm tính)\n"},
		{[]string{"day", "26/11/2029", "--culture-day"}, "off\nNghỉ bù Ngày Văn hóa Việt Nam (tạm tính)\n"},
		{[]string{"day", "2025-03-05"}, "working\nNgày làm việc\n"},
		{[]string{"lunar", "2025-01-29"}, "1/1/2025\n"},
		{[]string{"lunar", "2025-07-25"}, "1/6n/2025\n"},
		{[]string{"solar", "10/3/2026"}, "2026-04-26\n"},
		{[]string{"solar", "1/6n/2025"}, "2025-07-25\n"},
		{[]string{"year", "2025"}, "01/01/2025 Thứ Tư: nghỉ — Tết Dương lịch\n" +
			"27/01/2025 Thứ Hai: nghỉ — Tết Nguyên đán Ất Tỵ\n28/01/2025 Thứ Ba: nghỉ — Tết Nguyên đán Ất Tỵ\n" +
			"29/01/2025 Thứ Tư: nghỉ — Tết Nguyên đán Ất Tỵ\n30/01/2025 Thứ Năm: nghỉ — Tết Nguyên đán Ất Tỵ\n" +
			"31/01/2025 Thứ Sáu: nghỉ — Tết Nguyên đán Ất Tỵ\n07/04/2025 Thứ Hai: nghỉ — Giỗ Tổ Hùng Vương\n" +
			"26/04/2025 Thứ Bảy: làm việc — Thứ Bảy làm bù\n" +
			"30/04/2025 Thứ Tư: nghỉ — Ngày Chiến thắng và Quốc tế Lao động (nghỉ hoán đổi thứ Sáu 02/5)\n" +
			"01/05/2025 Thứ Năm: nghỉ — Ngày Chiến thắng và Quốc tế Lao động (nghỉ hoán đổi thứ Sáu 02/5)\n" +
			"02/05/2025 Thứ Sáu: nghỉ — Ngày Chiến thắng và Quốc tế Lao động (nghỉ hoán đổi thứ Sáu 02/5)\n" +
			"01/09/2025 Thứ Hai: nghỉ — Quốc khánh\n02/09/2025 Thứ Ba: nghỉ — Quốc khánh\n"},
		{[]string{"-h"}, ""}, // usage goes to stdout, checked below
	} {
		code, out, errOut := calendarCLI(tc.args...)
		if tc.args[0] == "-h" {
			if code != 0 || !strings.Contains(out, "Usage: dunghan calendar") {
				t.Errorf("calendar -h: exit %d, %q", code, out)
			}
			continue
		}
		if code != 0 || out != tc.out || errOut != "" {
			t.Errorf("calendar %s: exit %d\nstdout %q\nwant   %q\nstderr %q", strings.Join(tc.args, " "), code, out, tc.out, errOut)
		}
	}
}

func TestCalendarCLIYearProvisional(t *testing.T) {
	code, out, _ := calendarCLI("year", "2027")
	lines := strings.Split(out, "\n")
	if code != 0 || !strings.Contains(lines[0], "Năm 2027") || !strings.Contains(lines[0], "tạm tính") ||
		!strings.Contains(out, "05/02/2027 Thứ Sáu: nghỉ — Tết Nguyên đán Đinh Mùi\n") ||
		!strings.Contains(out, "03/05/2027 Thứ Hai: nghỉ — Nghỉ bù Quốc tế Lao động\n") {
		t.Errorf("year 2027: exit %d\n%s", code, out)
	}
}

func TestCalendarCLIJSON(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want map[string]any
	}{
		{[]string{"due", "--json", "--at", "2025-01-23T10:00:00+07:00", "--duration", "5d"},
			map[string]any{"due": "2025-02-06T17:00:00+07:00", "duration": "5d", "provisional": false}},
		{[]string{"between", "--json", "--from", "2025-03-07T16:00:00+07:00", "--to", "2025-03-10T08:30:00+07:00"},
			map[string]any{"working_minutes": 120.0}},
		{[]string{"day", "--json", "2027-02-10"},
			map[string]any{"working": false, "code": "compensatory", "reason": "Nghỉ bù Tết Nguyên đán Đinh Mùi", "provisional": true, "weekday": "Thứ Tư"}},
		{[]string{"lunar", "--json", "2025-07-25"}, map[string]any{"lunar": "1/6n/2025", "leap": true, "month": 6.0}},
		{[]string{"solar", "--json", "10/3/2026"}, map[string]any{"solar": "2026-04-26"}},
		{[]string{"year", "--json", "2027"}, map[string]any{"year": 2027.0, "provisional": true}},
	} {
		code, out, errOut := calendarCLI(tc.args...)
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || errOut != "" {
			t.Errorf("calendar %v: exit %d, %v, %q, stderr %q", tc.args, code, err, out, errOut)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("calendar %v: %s = %v, want %v", tc.args, k, got[k], v)
			}
		}
	}
}

func TestCalendarCLIErrors(t *testing.T) {
	for _, args := range [][]string{
		{"due", "--at", "yesterday", "--duration", "5d"},
		{"due", "--at", "2025-02-30T10:00:00+07:00", "--duration", "5d"},
		{"due", "--at", "2025-01-23T10:00:00+07:00", "--duration", "5x"},
		{"due", "--at", "2025-01-23T10:00:00+07:00", "--duration", "-5d"},
		{"due", "--at", "2025-01-23T10:00:00+07:00", "--duration", "0h"},
		{"due", "--at", "2025-01-23T10:00:00+07:00", "--duration", "0d", "--cutoff", "25:00"},
		{"due", "--at", "1899-12-31T10:00:00+07:00", "--duration", "5d"},
		{"due", "--at", "2100-12-30T10:00:00+07:00", "--duration", "5d"},
		{"due", "--duration", "5d"},
		{"due", "--at", "2025-01-23T10:00:00+07:00"},
		{"due", "--at", "2025-01-23T10:00:00+07:00", "--duration", "5d", "extra"},
		{"between", "--from", "2025-03-07T16:00:00+07:00"},
		{"between", "--from", "2025-03-07T16:00:00+07:00", "--to", "2101-01-01T00:00:00+07:00"},
		{"day"},
		{"day", "2025-02-31"},
		{"day", "31/2/2025"},
		{"day", "2025-04-26", "2025-04-27"},
		{"day", "1899-12-31"},
		{"day", "tomorrow"},
		{"lunar", "2025-02-29"},
		{"lunar", "2101-01-01"},
		{"lunar"},
		{"solar", "31/2/2025"},
		{"solar", "1/5n/2025"},
		{"solar", "30/13/2025"},
		{"solar", "1/1/2101"},
		{"solar", "1-1-2025"},
		{"solar", "10/3/2026", "x"},
		{"year", "1899"},
		{"year", "2101"},
		{"year", "abc"},
		{"year"},
	} {
		code, out, errOut := calendarCLI(args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "dunghan calendar: ") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("calendar %v: exit %d, stdout %q, stderr %q; want exit 2 and one line", args, code, out, errOut)
		}
	}
	for _, args := range [][]string{{}, {"moon"}, {"day", "--bogus", "2025-04-26"}} {
		if code, _, errOut := calendarCLI(args...); code != 2 || !strings.Contains(errOut, "Usage: dunghan calendar") {
			t.Errorf("calendar %v: exit %d, stderr %q; want exit 2 and usage", args, code, errOut)
		}
	}
	for _, sub := range []string{"due", "between", "day", "year", "lunar", "solar"} {
		if code, _, errOut := calendarCLI(sub, "-h"); code != 0 || !strings.Contains(errOut, "Usage: dunghan calendar "+sub) {
			t.Errorf("calendar %s -h: exit %d, %q", sub, code, errOut)
		}
	}
}
