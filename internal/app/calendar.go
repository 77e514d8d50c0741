package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/lunar"
)

// calendarCommand is one "dunghan calendar" subcommand.
type calendarCommand struct {
	args    string // usage after the subcommand's name
	summary string
	usesCal bool // whether it takes the calendar flags
	run     func(env Env, o *calOptions, pos []string) error
}

func calendarCommands() map[string]calendarCommand {
	return map[string]calendarCommand{
		"due":     {"--at INSTANT --duration 5d|0d|8h|30cd [--cutoff HH:MM]", "the due instant of a legal duration", true, calDue},
		"between": {"--from INSTANT --to INSTANT", "working minutes between two instants", true, calBetween},
		"day":     {"DATE", "whether a date is a working day, and why", true, calDay},
		"year":    {"YEAR", "the days off on weekdays and the working Saturdays of a year", true, calYear},
		"lunar":   {"DATE", "the lunar date of a solar date (e.g. 2025-01-29 → 1/1/2025)", false, calLunar},
		"solar":   {"D/M[n]/YYYY", "the solar date of a lunar date (e.g. 10/3/2026 → 2026-04-26)", false, calSolar},
	}
}

// calOptions holds the flags shared by the subcommands and their own.
type calOptions struct {
	json, noMakeUp, cultureDay bool
	at, duration, cutoff       string
	from, to                   string
	stdout                     io.Writer
}

// usageError is bad input: it is reported on one line with exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// runCalendar implements "dunghan calendar": working-calendar arithmetic offline.
func runCalendar(_ context.Context, env Env, args []string) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help") {
		calendarUsage(env.Stdout)
		return 0
	}
	if len(args) == 0 {
		calendarUsage(env.Stderr)
		return 2
	}
	cmd, ok := calendarCommands()[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "dunghan calendar: unknown subcommand %q\n\n", args[0])
		calendarUsage(env.Stderr)
		return 2
	}
	name := "calendar " + args[0]
	o := &calOptions{stdout: env.Stdout}
	fs := newFlagSet(env, name, name+" "+cmd.args+" [flags]")
	fs.BoolVar(&o.json, "json", false, "print JSON")
	if cmd.usesCal {
		fs.BoolVar(&o.noMakeUp, "no-makeup-saturdays", false, "announced make-up Saturdays are not working days")
		fs.BoolVar(&o.cultureDay, "culture-day", false, "24/11 (Ngày Văn hóa Việt Nam) is a holiday from 2026")
	}
	switch args[0] {
	case "due":
		fs.StringVar(&o.at, "at", "", "acceptance instant, RFC 3339 (without offset: Vietnam time)")
		fs.StringVar(&o.duration, "duration", "", "legal duration: Nd working days, 0d same day, Nh working hours, Ncd calendar days")
		fs.StringVar(&o.cutoff, "cutoff", "", "same-day cut-off HH:MM (default 15:00)")
	case "between":
		fs.StringVar(&o.from, "from", "", "start instant, RFC 3339")
		fs.StringVar(&o.to, "to", "", "end instant, RFC 3339")
	}
	pos, rc := parseInterleaved(fs, args[1:])
	if rc >= 0 {
		return rc
	}
	err := cmd.run(env, o, pos)
	var ue usageError
	var ae *apperr.Error
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "dunghan calendar: %s: %s\n", args[0], ue.msg)
		return 2
	case errors.As(err, &ae) && ae.Code == apperr.Invalid:
		fmt.Fprintf(env.Stderr, "dunghan calendar: %s: %s\n", args[0], ae.Message)
		return 2
	default:
		fmt.Fprintf(env.Stderr, "dunghan calendar: %s: %v\n", args[0], err)
		return 1
	}
}

// parseInterleaved parses flags placed before, between or after the
// positional arguments, and returns those arguments, or the exit status
// when parsing stopped the command (see parseFlags).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, int) {
	var pos []string
	for {
		if rc := parseFlags(fs, args); rc >= 0 {
			return nil, rc
		}
		if fs.NArg() == 0 {
			return pos, -1
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func calendarUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: dunghan calendar <subcommand> [flags]\n\nSubcommands:")
	for _, n := range []string{"due", "between", "day", "year", "lunar", "solar"} {
		c := calendarCommands()[n]
		fmt.Fprintf(w, "  %-8s %s\n           dunghan calendar %s %s\n", n, c.summary, n, c.args)
	}
	fmt.Fprintln(w, "\nFlags: --json for JSON output; due, between, day and year also take\n--no-makeup-saturdays and --culture-day. Run 'dunghan calendar <subcommand> -h' for details.")
}

// build returns the calendar the flags describe.
func (o *calOptions) build() (*calendar.Calendar, error) {
	cfg := calendar.DefaultConfig()
	cfg.MakeUpSaturdaysWork = !o.noMakeUp
	cfg.CultureDay = o.cultureDay
	if o.cutoff != "" {
		m, err := calendar.ParseClock(o.cutoff)
		if err != nil {
			return nil, err
		}
		cfg.SameDayCutoff = m
	}
	return calendar.New(cfg)
}

// print writes v as JSON, or text as lines.
func (o *calOptions) print(v any, text ...string) error {
	if o.json {
		return json.NewEncoder(o.stdout).Encode(v)
	}
	for _, line := range text {
		if _, err := fmt.Fprintln(o.stdout, line); err != nil {
			return err
		}
	}
	return nil
}

func want(pos []string, n int, what string) error {
	if len(pos) != n {
		return usagef("cần %s, nhận %d đối số", what, len(pos))
	}
	return nil
}

func required(name, value string) error {
	if value == "" {
		return usagef("thiếu --%s", name)
	}
	return nil
}

// first returns the first non-nil error.
func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

const provisionalMark = "(tạm tính)"

func calDue(_ Env, o *calOptions, pos []string) error {
	if err := first(want(pos, 0, "không đối số vị trí"), required("at", o.at), required("duration", o.duration)); err != nil {
		return err
	}
	at, err := calendar.ParseInstant(o.at)
	if err != nil {
		return err
	}
	d, err := calendar.ParseDuration(o.duration)
	if err != nil {
		return err
	}
	c, err := o.build()
	if err != nil {
		return err
	}
	due, err := c.Due(at, d)
	if err != nil {
		return err
	}
	prov := false
	for y := at.Year(); y <= due.Year(); y++ {
		prov = prov || c.Provisional(y)
	}
	lines := []string{due.Format(time.RFC3339)}
	if prov {
		lines = append(lines, provisionalMark+": lịch nghỉ của năm chưa được công bố hoặc xác nhận")
	}
	return o.print(map[string]any{"at": at.Format(time.RFC3339Nano), "duration": d.String(), "due": due.Format(time.RFC3339), "provisional": prov}, lines...)
}

func calBetween(_ Env, o *calOptions, pos []string) error {
	if err := first(want(pos, 0, "không đối số vị trí"), required("from", o.from), required("to", o.to)); err != nil {
		return err
	}
	from, err := calendar.ParseInstant(o.from)
	if err != nil {
		return err
	}
	to, err := calendar.ParseInstant(o.to)
	if err != nil {
		return err
	}
	c, err := o.build()
	if err != nil {
		return err
	}
	m := c.WorkingMinutes(from, to)
	return o.print(map[string]any{"from": from.Format(time.RFC3339Nano), "to": to.Format(time.RFC3339Nano), "working_minutes": m}, strconv.Itoa(m))
}

func calDay(_ Env, o *calOptions, pos []string) error {
	if err := want(pos, 1, "một ngày (YYYY-MM-DD)"); err != nil {
		return err
	}
	date, err := calendar.ParseDate(pos[0])
	if err != nil {
		return err
	}
	c, err := o.build()
	if err != nil {
		return err
	}
	working, r := c.IsWorkingDay(date.Time())
	status, reason := "off", r.Name
	if working {
		status = "working"
	}
	if r.Provisional {
		reason += " " + provisionalMark
	}
	return o.print(map[string]any{
		"date": date.String(), "weekday": calendar.WeekdayName(date.Weekday()), "working": working,
		"code": r.Code, "reason": r.Name, "provisional": r.Provisional,
	}, status, reason)
}

func calYear(_ Env, o *calOptions, pos []string) error {
	if err := want(pos, 1, "một năm"); err != nil {
		return err
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil {
		return usagef("năm không hợp lệ: %q", pos[0])
	}
	if year < calendar.MinYear || year > calendar.MaxYear {
		return calendar.ErrOutOfRange
	}
	c, err := o.build()
	if err != nil {
		return err
	}
	type day struct {
		Date        string `json:"date"`
		Weekday     string `json:"weekday"`
		Working     bool   `json:"working"`
		Code        string `json:"code"`
		Reason      string `json:"reason"`
		Provisional bool   `json:"provisional"`
	}
	var days []day
	var lines []string
	if c.Provisional(year) {
		lines = append(lines, fmt.Sprintf("Năm %d: lịch tạm tính theo Bộ luật Lao động (chưa có lịch nghỉ được công bố hoặc xác nhận).", year))
	}
	for _, d := range c.Year(year) {
		wd := calendar.WeekdayName(d.Date.Weekday())
		days = append(days, day{d.Date.String(), wd, d.Working, string(d.Reason.Code), d.Reason.Name, d.Reason.Provisional})
		status := "nghỉ"
		if d.Working {
			status = "làm việc"
		}
		lines = append(lines, fmt.Sprintf("%s %s: %s — %s", d.Date.Time().Format("02/01/2006"), wd, status, d.Reason.Name))
	}
	return o.print(map[string]any{"year": year, "provisional": c.Provisional(year), "days": days}, lines...)
}

func calLunar(_ Env, o *calOptions, pos []string) error {
	if err := want(pos, 1, "một ngày dương lịch (YYYY-MM-DD)"); err != nil {
		return err
	}
	date, err := calendar.ParseDate(pos[0])
	if err != nil {
		return err
	}
	l, err := lunar.FromSolar(date.Year, int(date.Month), date.Day)
	if err != nil {
		return lunarError(pos[0], err)
	}
	return o.print(map[string]any{"solar": date.String(), "lunar": l.String(), "year": l.Year, "month": l.Month, "day": l.Day, "leap": l.Leap}, l.String())
}

func calSolar(_ Env, o *calOptions, pos []string) error {
	if err := want(pos, 1, "một ngày âm lịch (D/M/YYYY, tháng nhuận D/Mn/YYYY)"); err != nil {
		return err
	}
	l, err := lunar.Parse(pos[0])
	if err != nil {
		return lunarError(pos[0], err)
	}
	y, m, d, err := lunar.ToSolar(l)
	if err != nil {
		return lunarError(pos[0], err)
	}
	s := calendar.Date{Year: y, Month: time.Month(m), Day: d}.String()
	return o.print(map[string]any{"lunar": l.String(), "solar": s}, s)
}

// lunarError explains a lunar-package error in Vietnamese.
func lunarError(s string, err error) error {
	switch {
	case errors.Is(err, lunar.ErrSyntax):
		return usagef("ngày âm lịch không hợp lệ %q: cần dạng D/M/YYYY, tháng nhuận D/Mn/YYYY (ví dụ 1/6n/2025)", s)
	case errors.Is(err, lunar.ErrNoSuchDate):
		return usagef("ngày âm lịch không tồn tại: %q", s)
	case errors.Is(err, lunar.ErrOutOfRange):
		return usagef("ngày %q nằm ngoài phạm vi lịch hỗ trợ (1900–2100)", s)
	}
	return err
}
