package forms

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// defaultTexts is every fixed string of every form, per regime. An agency
// adjusts the wording with an override file of the same shape (LoadTexts).
//
//go:embed texts.json
var defaultTexts []byte

// Texts are the fixed strings of the forms. Strings may hold placeholders
// such as {code} or {applicant}, filled from the dossier (see placeholders).
type Texts struct {
	Heading Heading     `json:"heading"`
	TT01    RegimeTexts `json:"tt01_2018"`
	TT03    RegimeTexts `json:"tt03_2025"`
	// Agencies holds each agency's enquiry details, by national unit
	// identifier (mã định danh).
	Agencies map[string]Contact `json:"agencies"`
}

// Contact is what an agency prints for enquiries and the return of results.
type Contact struct {
	Phone string `json:"phone"` // điện thoại liên hệ; empty: a blank to fill in by hand
	Place string `json:"place"` // nơi trả kết quả; empty: the receiving unit and agency
	Town  string `json:"town"`  // place name of the date line; empty: the agency's province
}

// Heading holds the strings shared by every form: the national heading
// (Quốc hiệu, tiêu ngữ) and the small words of the body.
type Heading struct {
	Country    string `json:"country"`
	Motto      string `json:"motto"`
	DateLine   string `json:"date_line"`
	FormNumber string `json:"form_number"`
	Blank      string `json:"blank"` // printed for a missing value
	SignHint   string `json:"sign_hint"`
	SealHint   string `json:"seal_hint"`
	Document   string `json:"document"`
	Original   string `json:"original"`
	Copy       string `json:"copy"`
	Page       string `json:"page"`
}

// RegimeTexts are the forms of one circular. Stop is nil under Circular
// 01/2018, which has no stop notice.
type RegimeTexts struct {
	Circular   string         `json:"circular"`
	Receipt    ReceiptText    `json:"tiep_nhan"`
	Supplement SupplementText `json:"bo_sung"`
	Refusal    RefusalText    `json:"tu_choi"`
	Apology    LetterText     `json:"xin_loi"`
	Stop       *LetterText    `json:"dung,omitempty"`
	Control    ControlText    `json:"kiem_soat"`
	Register   RegisterText   `json:"so_theo_doi"`
}

// ReceiptText is the receipt and appointment slip (Mẫu 01).
type ReceiptText struct {
	Number    string `json:"number"`
	Title     string `json:"title"`
	Code      string `json:"code"`
	Intro     string `json:"intro"`
	Applicant string `json:"applicant"`
	Address   string `json:"address"`
	Contact   string `json:"contact"`
	Request   string `json:"request"`
	Documents string `json:"documents"`
	Sets      string `json:"sets"`
	Duration  string `json:"duration"`
	Received  string `json:"received"`
	Promised  string `json:"promised"`
	Place     string `json:"place"`
	Lookup    string `json:"lookup"`
	Secret    string `json:"secret"`
	NoLookup  string `json:"no_lookup"`
	Enquiries string `json:"enquiries"`
	Giver     string `json:"giver"`
	Receiver  string `json:"receiver"`
}

// SupplementText is the supplement request (Mẫu 02).
type SupplementText struct {
	Number    string `json:"number"`
	Title     string `json:"title"`
	Code      string `json:"code"`
	Applicant string `json:"applicant"`
	Request   string `json:"request"`
	Address   string `json:"address"`
	Contact   string `json:"contact"`
	Missing   string `json:"missing"`
	Reason    string `json:"reason"`
	Help      string `json:"help"`
	Signer    string `json:"signer"`
}

// RefusalText is the refusal slip (Mẫu 03).
type RefusalText struct {
	Number  string `json:"number"`
	Title   string `json:"title"`
	Intro   string `json:"intro"`
	Request string `json:"request"`
	Reason  string `json:"reason"`
	Closing string `json:"closing"`
	Signer  string `json:"signer"`
}

// LetterText is a letter to the applicant signed by the head of the
// agency: the apology (Mẫu 04) and the stop notice (Mẫu 05, TT 03/2025).
type LetterText struct {
	Number    string   `json:"number"`
	Title     string   `json:"title"`
	Addressee string   `json:"addressee"`
	Body      []string `json:"body"` // one paragraph each
	Signer    string   `json:"signer"`
}

// ControlText is the process control slip.
type ControlText struct {
	Number      string `json:"number"`
	Title       string `json:"title"`
	Code        string `json:"code"`
	Applicant   string `json:"applicant"`
	Request     string `json:"request"`
	Contact     string `json:"contact"`
	Dates       string `json:"dates"`
	Handling    string `json:"handling"`
	Step        string `json:"step"`
	ColUnit     string `json:"col_unit"`
	ColHandover string `json:"col_handover"`
	ColResult   string `json:"col_result"`
	ColSign     string `json:"col_sign"`
	ColNote     string `json:"col_note"`
	Give        string `json:"give"`
	Take        string `json:"take"`
	Reassigned  string `json:"reassigned"`
	Finished    string `json:"finished"`
	ReturnRow   string `json:"return_row"`
	Open        string `json:"open"`
	Untimed     string `json:"untimed"`
	Outcome     string `json:"outcome"`
}

// registerColumns is the number of columns of the dossier register.
const registerColumns = 13

// RegisterText is the dossier register (sổ theo dõi hồ sơ).
type RegisterText struct {
	Number      string   `json:"number"`
	Title       string   `json:"title"`
	Unit        string   `json:"unit"`
	Period      string   `json:"period"`
	Columns     []string `json:"columns"` // registerColumns headings
	Rescheduled string   `json:"rescheduled"`
	Empty       string   `json:"empty"`
}

// placeholders are the names a text may use in braces.
var placeholders = []string{
	"address", "agency", "applicant", "circular", "code", "contact_phone", "count", "day", "due_date", "duration",
	"email", "from", "handling_unit", "kind", "lookup_page", "month", "name", "new_promised", "number",
	"old_promised", "page", "pages", "phone", "place", "procedure", "promised", "reason", "received",
	"received_date", "result", "secret", "stopped_date", "to", "town", "unit", "when", "year",
}

var placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)

// DefaultTexts returns a fresh copy of the built-in texts.
func DefaultTexts() *Texts {
	t, err := LoadTexts(nil)
	if err != nil {
		panic(err) // the embedded texts are valid by construction and tested
	}
	return t
}

// DefaultTextsJSON is the built-in texts file: the starting point of an
// agency's override file.
func DefaultTextsJSON() []byte { return bytes.Clone(defaultTexts) }

// LoadTexts returns the built-in texts with override (a JSON file of the
// same shape, possibly partial) laid over them. It is strict: an unknown
// key, a wrong type, an empty text, an unknown placeholder or a stop
// notice under Circular 01/2018 is an error naming the key.
func LoadTexts(override []byte) (*Texts, error) {
	var t Texts
	if err := decodeStrict(defaultTexts, &t); err != nil {
		return nil, fmt.Errorf("built-in form texts: %w", err)
	}
	if len(bytes.TrimSpace(override)) > 0 {
		if !utf8.Valid(override) {
			return nil, errors.New("form texts: the file is not valid UTF-8")
		}
		if err := decodeStrict(override, &t); err != nil {
			return nil, fmt.Errorf("form texts: %w", err)
		}
	}
	normalise(reflect.ValueOf(&t).Elem())
	if err := t.validate(); err != nil {
		return nil, fmt.Errorf("form texts: %w", err)
	}
	return &t, nil
}

// decodeStrict checks data's keys against t's shape, then decodes it onto t.
func decodeStrict(data []byte, t *Texts) error {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("not valid JSON: %v", err)
	}
	if dec.More() {
		return errors.New("not valid JSON: data after the top-level object")
	}
	if err := checkKeys(raw, reflect.TypeOf(*t), ""); err != nil {
		return err
	}
	if err := json.Unmarshal(data, t); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return fmt.Errorf("%s: must be %s", typeErr.Field, kindName(typeErr.Type))
		}
		return err
	}
	return nil
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "an array of strings"
	}
	return "an object"
}

// checkKeys reports the first key of v (decoded JSON) that t does not have,
// with its dotted path.
func checkKeys(v any, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	obj, ok := v.(map[string]any)
	if !ok || (t.Kind() != reflect.Struct && t.Kind() != reflect.Map) {
		return nil // a type mismatch is reported by the decoder
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		at := k
		if path != "" {
			at = path + "." + k
		}
		if t.Kind() == reflect.Map {
			if err := checkKeys(obj[k], t.Elem(), at); err != nil {
				return err
			}
			continue
		}
		f, found := fieldByTag(t, k)
		if !found {
			return fmt.Errorf("%s: unknown key", at)
		}
		if err := checkKeys(obj[k], f.Type, at); err != nil {
			return err
		}
	}
	return nil
}

// fieldByTag finds the struct field whose JSON name is name (exactly).
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// normalise puts every string in v into NFC.
func normalise(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normalise(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			normalise(v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			normalise(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			normalise(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		v.SetString(norm.NFC.String(strings.TrimSpace(v.String())))
	}
}

// validate checks that every text is set and uses known placeholders.
func (t *Texts) validate() error {
	if t.TT01.Stop != nil {
		return errors.New("tt01_2018.dung: Circular 01/2018 has no stop notice; remove the key")
	}
	if t.TT03.Stop == nil {
		return errors.New("tt03_2025.dung: missing")
	}
	for _, r := range []*RegimeTexts{&t.TT01, &t.TT03} {
		if n := len(r.Register.Columns); n != registerColumns {
			name := "tt01_2018"
			if r == &t.TT03 {
				name = "tt03_2025"
			}
			return fmt.Errorf("%s.so_theo_doi.columns: must have %d headings, not %d", name, registerColumns, n)
		}
	}
	return check(reflect.ValueOf(*t), "")
}

// check walks v: empty strings and unknown placeholders are errors; the
// contact details of agencies may be empty.
func check(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return check(v.Elem(), path)
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Name == "Agencies" {
				continue
			}
			if err := check(v.Field(i), join(path, tag)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			return fmt.Errorf("%s: must not be empty", path)
		}
		for i := range v.Len() {
			if err := check(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.String:
		s := v.String()
		if s == "" {
			return fmt.Errorf("%s: must not be empty", path)
		}
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(placeholders, m[1]) {
				return fmt.Errorf("%s: unknown placeholder {%s} (known: {%s})", path, m[1], strings.Join(placeholders, "}, {"))
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// regime returns the texts of a regime.
func (t *Texts) regime(r Regime) *RegimeTexts {
	if r == TT01 {
		return &t.TT01
	}
	return &t.TT03
}

// fill replaces the placeholders of s with vars; an unset or empty value
// prints as blank.
func fill(s string, vars map[string]string, blank string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		if v := vars[m[1:len(m)-1]]; v != "" {
			return v
		}
		return blank
	})
}
