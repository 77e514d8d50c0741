package procedure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
)

// RecordError is an error about one record of a catalogue. Its message is one
// English line such as
//
//	record 3 (id "edu-003"): duration.value -5 must be between 1 and 365 for unit "working_days"
//
// Records are counted from 1, in file order, and so are the elements of
// arrays in field paths (steps[2] is the second step).
type RecordError struct {
	Index int    // position of the record in the array, from 1
	ID    string // the record's id as far as it could be read; may be empty
	Err   error
}

func (e *RecordError) Error() string {
	if e.ID == "" {
		return fmt.Sprintf("record %d: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("record %d (id %q): %v", e.Index, e.ID, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// ParseCatalogue parses a catalogue in the JSON format of
// data/procedures-education.json (an array of procedure records) strictly,
// converting step times given in days with DefaultMinutesPerDay. See
// ParseCatalogueWith.
func ParseCatalogue(data []byte) ([]Procedure, error) {
	return ParseCatalogueWith(data, DefaultMinutesPerDay)
}

// ParseCatalogueWith parses a catalogue strictly and returns one Procedure
// per record, in file order. Step times given in days become
// days × minutesPerDay working minutes (0 means DefaultMinutesPerDay).
//
// The whole input is rejected, with an error naming the first bad record,
// when it is not UTF-8, not a JSON array of objects, or when a record has an
// unknown or duplicated field (keys are case-sensitive), a value of the wrong
// type, no id or name, an id or code already used by an earlier record, an
// unknown duration unit, online level or step role, or a legal duration that
// is not a whole number in range (see ValidateLegal).
//
// Every string is trimmed and normalised to Unicode NFC. A null duration
// gives Legal == nil: the procedure has no legal duration, and none is
// invented. Published steps are kept with StepsGenerated false; a record
// without steps gets none (see EnsurePlan). Fields of the source that
// Version has no place for (agency, province, decision, alt, notes, …) are
// checked and then dropped. A leading UTF-8 byte-order mark is ignored.
func ParseCatalogueWith(data []byte, minutesPerDay int) ([]Procedure, error) {
	if minutesPerDay < 0 || minutesPerDay > 24*60 {
		return nil, fmt.Errorf("minutes per working day %d must be between 1 and 1440", minutesPerDay)
	}
	m := dayMinutes(minutesPerDay)

	raws, err := splitCatalogue(data)
	if err != nil {
		return nil, err
	}
	out := make([]Procedure, 0, len(raws))
	ids := make(map[string]int, len(raws))
	codes := make(map[string]int, len(raws))
	for i, raw := range raws {
		p, err := parseRecord(raw, m)
		if err != nil {
			return nil, &RecordError{Index: i + 1, ID: p.Key, Err: err}
		}
		if j, dup := ids[p.Key]; dup {
			return nil, &RecordError{Index: i + 1, ID: p.Key, Err: fmt.Errorf("id %q is already used by record %d", p.Key, j)}
		}
		ids[p.Key] = i + 1
		if p.Code != "" {
			if j, dup := codes[p.Code]; dup {
				return nil, &RecordError{Index: i + 1, ID: p.Key, Err: fmt.Errorf("code %q is already used by record %d", p.Code, j)}
			}
			codes[p.Code] = i + 1
		}
		out = append(out, p)
	}
	return out, nil
}

// Import parses a catalogue (ParseCatalogueWith), gives every procedure
// without published steps the default plan (EnsurePlan) and checks every
// plan against its legal duration (CheckPlan). It returns the first error,
// naming the record, and no procedures when there is one.
func Import(data []byte, minutesPerDay int) ([]Procedure, error) {
	ps, err := ParseCatalogueWith(data, minutesPerDay)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		ps[i].EnsurePlan(minutesPerDay)
		if err := ps[i].CheckPlan(minutesPerDay); err != nil {
			return nil, &RecordError{Index: i + 1, ID: ps[i].Key, Err: err}
		}
	}
	return ps, nil
}

// utf8BOM is the byte-order mark some Windows tools put before UTF-8 text.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// splitCatalogue checks that data is UTF-8 and one JSON array, and returns
// its elements.
func splitCatalogue(data []byte) ([]json.RawMessage, error) {
	base := 0
	if bytes.HasPrefix(data, utf8BOM) {
		base = len(utf8BOM)
	}
	body := data[base:]

	// encoding/json replaces invalid UTF-8 silently, so check first. The
	// record boundaries, when they can be found, name the bad record.
	if !utf8.Valid(body) {
		off := firstInvalidUTF8(body)
		msg := fmt.Errorf("invalid UTF-8 at byte offset %d (the catalogue must be UTF-8 text)", base+off)
		raws, ends, _, _ := splitArray(body)
		for i, end := range ends {
			if off < end {
				return nil, &RecordError{Index: i + 1, ID: probeID(raws[i]), Err: msg}
			}
		}
		return nil, msg
	}

	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("the catalogue is empty: expected a JSON array of procedures")
	}
	// A full syntax check first: its error offsets are exact.
	var whole json.RawMessage
	if err := json.Unmarshal(body, &whole); err != nil {
		var se *json.SyntaxError
		if !errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		pos := max(int(se.Offset)-1, 0) // the byte that broke the syntax
		if int(se.Offset) >= len(body) {
			pos = len(body) // the input ended too early
		}
		line, col := lineCol(body, pos)
		msg := fmt.Errorf("invalid JSON at line %d, column %d (byte offset %d): %s", line, col, base+pos, se.Error())
		raws, ends, inArray, splitErr := splitArray(body)
		if !inArray {
			return nil, msg
		}
		for i, end := range ends {
			if pos < end {
				return nil, &RecordError{Index: i + 1, ID: probeID(raws[i]), Err: msg}
			}
		}
		// After the last whole record: in the next one, or in what follows
		// the array. Only the first can hold a record's id.
		if splitErr == nil {
			return nil, msg
		}
		return nil, &RecordError{Index: len(ends) + 1, Err: msg}
	}
	trimmed := bytes.TrimSpace(body)
	if trimmed[0] != '[' {
		return nil, fmt.Errorf("the catalogue must be a JSON array of procedures, not %s", jsonKind(trimmed[0]))
	}
	raws, _, _, err := splitArray(body)
	if err != nil { // cannot happen after the syntax check; kept for safety
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	return raws, nil
}

// splitArray returns the elements of a JSON array and the offset (in data)
// just after each. inArray reports whether data starts an array. On a syntax
// error it returns the elements read so far; a well-formed array followed by
// other data is not an error here.
func splitArray(data []byte) (raws []json.RawMessage, ends []int, inArray bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, false, err
	}
	if tok != json.Delim('[') {
		return nil, nil, false, errors.New("not an array")
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return raws, ends, true, err
		}
		raws = append(raws, raw)
		ends = append(ends, int(dec.InputOffset()))
	}
	if _, err := dec.Token(); err != nil {
		return raws, ends, true, err
	}
	return raws, ends, true, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// lineCol gives the 1-based line and column (in characters) of byte pos.
func lineCol(b []byte, pos int) (line, col int) {
	if pos > len(b) {
		pos = len(b)
	}
	before := b[:pos]
	line = bytes.Count(before, []byte{'\n'}) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	col = utf8.RuneCount(before[lineStart:]) + 1
	return line, col
}

// probeID reads a record's id leniently, for error messages only.
func probeID(raw []byte) string {
	var p struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &p)
	return cleanText(p.ID)
}

func jsonKind(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '"':
		return "a string"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	case '[':
		return "an array"
	}
	return "a number"
}

// The decoder structs list every field of the source format.

type rawRecord struct {
	ID              string            `json:"id"`
	Code            string            `json:"code"`
	Name            string            `json:"name"`
	NameVariants    []string          `json:"name_variants"`
	Field           string            `json:"field"`
	FieldCode       string            `json:"field_code"`
	Level           string            `json:"level"`
	Agency          string            `json:"agency"`
	Province        string            `json:"province"`
	Decision        string            `json:"decision"`
	LocalCode       string            `json:"local_code"`
	Duration        *rawDuration      `json:"duration"`
	DurationText    string            `json:"duration_text"`
	DurationDerived bool              `json:"duration_derived"`
	DurationSource  string            `json:"duration_source"`
	Online          string            `json:"online"`
	OnlineRaw       string            `json:"online_raw"`
	Channels        []string          `json:"channels"`
	Fee             string            `json:"fee"`
	FeeRaw          string            `json:"fee_raw"`
	Steps           []rawStep         `json:"steps"`
	Source          string            `json:"source"`
	CodeSource      string            `json:"code_source"`
	Alt             []json.RawMessage `json:"alt"` // other provinces' values: accepted, not used
	Notes           string            `json:"notes"`
}

type rawDuration struct {
	Value *float64 `json:"value"`
	Unit  string   `json:"unit"`
}

type rawStep struct {
	Role     string       `json:"role"`
	Actor    string       `json:"actor"`
	Duration *rawDuration `json:"duration"`
	Note     string       `json:"note"`
}

// parseRecord decodes and converts one record. On error the returned
// Procedure still carries the Key when it could be read.
func parseRecord(raw json.RawMessage, minutesPerDay int) (Procedure, error) {
	var r rawRecord
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	decErr := dec.Decode(&r)
	p := Procedure{Key: cleanText(r.ID)}
	// The shape check gives exact, case-sensitive paths; run it before
	// reporting the decoder's own error.
	if err := checkShape(raw); err != nil {
		return p, err
	}
	if decErr != nil {
		return p, fmt.Errorf("cannot read the record: %v", strings.TrimPrefix(decErr.Error(), "json: "))
	}

	c := cleaner{}
	id := c.token("id", r.ID)
	code := c.token("code", r.Code)
	name := c.line("name", r.Name)
	for i, s := range r.NameVariants {
		c.line(fmt.Sprintf("name_variants[%d]", i+1), s)
	}
	field := c.text("field", r.Field)
	fieldCode := c.text("field_code", r.FieldCode)
	level := c.text("level", r.Level)
	c.text("agency", r.Agency)
	c.text("province", r.Province)
	c.text("decision", r.Decision)
	c.text("local_code", r.LocalCode)
	durationText := c.text("duration_text", r.DurationText)
	c.text("duration_source", r.DurationSource)
	online := c.text("online", r.Online)
	c.text("online_raw", r.OnlineRaw)
	for i, s := range r.Channels {
		c.text(fmt.Sprintf("channels[%d]", i+1), s)
	}
	fee := c.text("fee", r.Fee)
	c.text("fee_raw", r.FeeRaw)
	source := c.text("source", r.Source)
	c.text("code_source", r.CodeSource)
	c.text("notes", r.Notes)
	if c.err != nil {
		return p, c.err
	}
	p.Key = id
	if id == "" {
		return p, errors.New("id is required")
	}
	if name == "" {
		return p, errors.New("name is required")
	}

	legal, err := legalDuration(r.Duration)
	if err != nil {
		return p, err
	}
	onlineLvl, err := onlineLevel(online)
	if err != nil {
		return p, err
	}
	steps, err := sourceSteps(r.Steps, minutesPerDay)
	if err != nil {
		return p, err
	}

	p.Code = code
	p.Version = Version{
		Name:           name,
		Field:          field,
		FieldCode:      fieldCode,
		Level:          level,
		Legal:          legal,
		DurationText:   durationText,
		Online:         onlineLvl,
		Fee:            fee,
		Source:         source,
		Steps:          steps,
		StepsGenerated: false,
	}
	return p, nil
}

// cleanText trims and normalises s to NFC.
func cleanText(s string) string {
	return strings.TrimSpace(norm.NFC.String(strings.TrimSpace(s)))
}

// cleaner normalises strings and keeps the first problem found.
type cleaner struct{ err error }

func (c *cleaner) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// text trims and normalises s to NFC. It rejects U+FFFD, the mark of text
// already damaged by a bad conversion.
func (c *cleaner) text(path, s string) string {
	s = cleanText(s)
	if strings.ContainsRune(s, utf8.RuneError) {
		c.fail(fmt.Errorf("%s contains U+FFFD, a character lost by a bad text conversion", path))
	}
	return s
}

// line is text that must fit on one line: no control characters.
func (c *cleaner) line(path, s string) string {
	s = c.text(path, s)
	if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
		c.fail(fmt.Errorf("%s contains the control character %U", path, []rune(s[i:])[0]))
	}
	return s
}

// token is a one-line identifier: no spaces inside either.
func (c *cleaner) token(path, s string) string {
	s = c.line(path, s)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		c.fail(fmt.Errorf("%s %q contains a space", path, s))
	}
	return s
}

// sourceUnit maps the source's duration units (and the project's own
// spellings) to calendar units.
func sourceUnit(u string) (calendar.Unit, bool) {
	switch u {
	case "working_days":
		return calendar.WorkingDays, true
	case "hours", "working_hours":
		return calendar.WorkingHours, true
	case "days", "calendar_days":
		return calendar.CalendarDays, true
	case "same_day":
		return calendar.SameDay, true
	}
	return "", false
}

const unitChoices = `"working_days", "hours" (or "working_hours"), "days" (or "calendar_days") or "same_day"`

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// legalDuration converts the record's duration; null means none.
func legalDuration(d *rawDuration) (*calendar.Duration, error) {
	if d == nil {
		return nil, nil
	}
	unitText := cleanText(d.Unit)
	if unitText == "" {
		return nil, errors.New("duration.unit is required (write \"duration\": null when there is no legal duration)")
	}
	unit, ok := sourceUnit(unitText)
	if !ok {
		return nil, fmt.Errorf("duration.unit %q must be %s", unitText, unitChoices)
	}
	if d.Value == nil {
		return nil, errors.New("duration.value is required (write \"duration\": null when there is no legal duration)")
	}
	v := *d.Value
	lo, hi, _ := legalRange(unit)
	switch {
	case v != math.Trunc(v):
		return nil, fmt.Errorf("duration.value %s must be a whole number", formatNumber(v))
	case unit == calendar.SameDay && v != 0:
		return nil, fmt.Errorf("duration.value %s must be 0 for unit %q", formatNumber(v), unitText)
	case v < float64(lo) || v > float64(hi):
		return nil, fmt.Errorf("duration.value %s must be between %d and %d for unit %q", formatNumber(v), lo, hi, unitText)
	}
	out := &calendar.Duration{Value: int(v), Unit: unit}
	if err := ValidateLegal(*out); err != nil { // cannot fail after the checks above
		return nil, err
	}
	return out, nil
}

func onlineLevel(s string) (OnlineLevel, error) {
	switch s {
	case "full":
		return OnlineFull, nil
	case "partial":
		return OnlinePartial, nil
	case "", "none":
		return OnlineNone, nil
	}
	return "", fmt.Errorf("online %q must be \"full\", \"partial\" or null", s)
}

// sourceRole is how a role name of the source maps onto the agency.
type sourceRole struct {
	role     auth.Role
	external bool // done outside the agency
	ret      bool // returning the result
}

// sourceRoles maps the source's normalised role names (procedures-education.md).
var sourceRoles = map[string]sourceRole{
	"Bộ phận Một cửa":  {role: auth.Reception},
	"Chuyên viên":      {role: auth.Specialist},
	"Lãnh đạo phòng":   {role: auth.DivisionHead},
	"Lãnh đạo cơ quan": {role: auth.Leadership},
	"Văn thư":          {role: auth.Clerk},
	"Trả kết quả":      {role: auth.Reception, ret: true},
	"Sở GD&ĐT":         {role: auth.Specialist}, // appraisal inside our agency
	"UBND tỉnh":        {external: true},
	"Cơ sở giáo dục":   {external: true},
	"Sở chuyên ngành":  {external: true},
}

const roleChoices = `"Bộ phận Một cửa", "Chuyên viên", "Lãnh đạo phòng", "Lãnh đạo cơ quan", "Văn thư", "Trả kết quả", "Sở GD&ĐT", "UBND tỉnh", "Cơ sở giáo dục" or "Sở chuyên ngành"`

// sourceSteps converts published steps. A step without a duration is
// untimed (budget 0), as the return step usually is.
func sourceSteps(raw []rawStep, minutesPerDay int) ([]Step, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	steps := make([]Step, 0, len(raw))
	for i, rs := range raw {
		path := fmt.Sprintf("steps[%d]", i+1)
		c := cleaner{}
		roleName := c.line(path+".role", rs.Role)
		actor := c.line(path+".actor", rs.Actor)
		note := c.text(path+".note", rs.Note)
		if c.err != nil {
			return nil, c.err
		}
		if roleName == "" {
			return nil, fmt.Errorf("%s.role is required", path)
		}
		sr, ok := sourceRoles[roleName]
		if !ok {
			return nil, fmt.Errorf("%s.role %q must be one of %s", path, roleName, roleChoices)
		}
		budget, err := stepBudget(path, rs.Duration, minutesPerDay)
		if err != nil {
			return nil, err
		}
		steps = append(steps, Step{
			Role:     sr.role,
			Actor:    actor,
			Budget:   budget,
			External: sr.external,
			Note:     note,
		})
	}
	return steps, nil
}

// stepBudget converts a step's duration to working minutes. Fractions are
// allowed (0.5 working day is half a day) and rounded to the nearest minute.
func stepBudget(path string, d *rawDuration, minutesPerDay int) (int, error) {
	if d == nil {
		return 0, nil
	}
	unitText := cleanText(d.Unit)
	if unitText == "" {
		return 0, fmt.Errorf("%s.duration.unit is required (write \"duration\": null for an untimed step)", path)
	}
	unit, ok := sourceUnit(unitText)
	if !ok {
		return 0, fmt.Errorf("%s.duration.unit %q must be %s", path, unitText, unitChoices)
	}
	if d.Value == nil {
		return 0, fmt.Errorf("%s.duration.value is required (write \"duration\": null for an untimed step)", path)
	}
	v := *d.Value
	var per float64
	var hi int
	switch unit {
	case calendar.WorkingDays:
		// A step's days are working days, whatever the source calls them.
		per, hi = float64(minutesPerDay), MaxWorkingDays
	case calendar.CalendarDays:
		per, hi = float64(minutesPerDay), MaxCalendarDays
	case calendar.WorkingHours:
		per, hi = 60, MaxWorkingHours
	default:
		return 0, fmt.Errorf("%s.duration.unit %q cannot time a step: use working days or hours", path, unitText)
	}
	if v < 0 || v > float64(hi) {
		return 0, fmt.Errorf("%s.duration.value %s must be between 0 and %d for unit %q", path, formatNumber(v), hi, unitText)
	}
	return int(math.Round(v * per)), nil
}
