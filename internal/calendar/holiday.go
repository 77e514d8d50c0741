package calendar

import (
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/lunar"
)

// Names of the statutory holidays (Labour Code 2019, art. 112).
const (
	nameNewYear        = "Tết Dương lịch"
	nameHungKings      = "Giỗ Tổ Hùng Vương"
	nameVictory        = "Ngày Chiến thắng"
	nameLabour         = "Quốc tế Lao động"
	nameNational       = "Quốc khánh"
	nameCultureDay     = "Ngày Văn hóa Việt Nam"
	prefixTet          = "Tết Nguyên đán "
	prefixCompensatory = "Nghỉ bù "
)

// statutory returns the PROVISIONAL holidays of a year that has no announced
// schedule. The Prime Minister fixes the exact Tết days and the day adjacent
// to 2/9 each year; until then these UNCONFIRMED defaults stand in:
//   - Tết: 5 days, the last day of the lunar year (29 or 30 of month 12)
//     and days 1–4 of the new lunar year;
//   - Quốc khánh: 2/9 and the day before, 1/9 (as announced for 2025 and 2026).
//
// Compensatory days are added by the caller.
func statutory(year int) ([]NamedDate, error) {
	tet, err := lunarToSolar(lunar.Date{Year: year, Month: 1, Day: 1})
	if err != nil {
		return nil, err
	}
	hung, err := lunarToSolar(lunar.Date{Year: year, Month: 3, Day: 10})
	if err != nil {
		return nil, err
	}
	day := func(m time.Month, d int, name string) NamedDate { return NamedDate{Date{year, m, d}, name} }
	hs := []NamedDate{day(time.January, 1, nameNewYear)}
	for i := -1; i <= 3; i++ {
		hs = append(hs, NamedDate{dateAt(tet + i), prefixTet + canChi(year)})
	}
	return append(hs,
		NamedDate{dateAt(hung), nameHungKings},
		day(time.April, 30, nameVictory),
		day(time.May, 1, nameLabour),
		day(time.September, 1, nameNational),
		day(time.September, 2, nameNational),
	), nil
}

// lunarToSolar returns the day index of a lunar date.
func lunarToSolar(d lunar.Date) (int, error) {
	y, m, dd, err := lunar.ToSolar(d)
	if err != nil {
		return 0, apperr.Wrap(apperr.Internal, "không tính được ngày âm lịch "+d.String(), err)
	}
	return Date{y, time.Month(m), dd}.index(), nil
}

// canChi names a lunar year by its heavenly stem and earthly branch (e.g. 2026 Bính Ngọ).
func canChi(year int) string {
	stems := [...]string{"Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý"}
	branches := [...]string{"Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"}
	return stems[(year+6)%10] + " " + branches[(year+8)%12]
}
