package store

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn Đức":              "nguyen van duc",
		"  TRẦN   thị  Mai ":          "tran thi mai",
		"Phòng GD Mầm non – Tiểu học": "phong gd mam non – tieu hoc",
		"":                            "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
