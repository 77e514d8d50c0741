package procedure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// encoding/json matches object keys case-insensitively and keeps the last of
// duplicated keys, so "Name" or a second "duration" would slip through it.
// checkShape walks a record's tokens first and rejects, with the exact path,
// unknown or duplicated keys and values of the wrong JSON type.

type kind int

const (
	kindAny kind = iota // anything; only duplicated keys are checked inside
	kindString
	kindNumber
	kindBool
	kindObject
	kindArray
)

// shape is the expected form of a JSON value. null is accepted for every
// shape: whether a value is required is checked after decoding.
type shape struct {
	kind   kind
	fields map[string]*shape // kindObject: the allowed keys
	elem   *shape            // kindArray: the elements
}

var (
	anyShape    = &shape{kind: kindAny}
	stringShape = &shape{kind: kindString}
	numberShape = &shape{kind: kindNumber}
	boolShape   = &shape{kind: kindBool}

	durationShape = &shape{kind: kindObject, fields: map[string]*shape{
		"value": numberShape,
		"unit":  stringShape,
	}}
	stepShape = &shape{kind: kindObject, fields: map[string]*shape{
		"role":     stringShape,
		"actor":    stringShape,
		"duration": durationShape,
		"note":     stringShape,
	}}
	stringsShape = &shape{kind: kindArray, elem: stringShape}

	recordShape = &shape{kind: kindObject, fields: map[string]*shape{
		"id":               stringShape,
		"code":             stringShape,
		"name":             stringShape,
		"name_variants":    stringsShape,
		"field":            stringShape,
		"field_code":       stringShape,
		"level":            stringShape,
		"agency":           stringShape,
		"province":         stringShape,
		"decision":         stringShape,
		"local_code":       stringShape,
		"duration":         durationShape,
		"duration_text":    stringShape,
		"duration_derived": boolShape,
		"duration_source":  stringShape,
		"online":           stringShape,
		"online_raw":       stringShape,
		"channels":         stringsShape,
		"fee":              stringShape,
		"fee_raw":          stringShape,
		"steps":            {kind: kindArray, elem: stepShape},
		"source":           stringShape,
		"code_source":      stringShape,
		// Other provinces' values (with their own keys, e.g. steps_partial):
		// accepted and not used.
		"alt":   {kind: kindArray, elem: anyShape},
		"notes": stringShape,
	}}
)

// checkShape checks one record (a complete JSON value) against recordShape.
func checkShape(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return walkShape(dec, recordShape, "")
}

func walkShape(dec *json.Decoder, s *shape, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	got := tokenKind(tok)
	if tok == nil && path == "" {
		return errors.New("a record must be an object, not null")
	}
	if tok != nil && s.kind != kindAny && got != s.kind {
		if path == "" {
			return fmt.Errorf("a record must be %s, not %s", kindName(s.kind), kindName(got))
		}
		return fmt.Errorf("%s must be %s, not %s", path, kindName(s.kind), kindName(got))
	}
	if n, ok := tok.(json.Number); ok && s.kind == kindNumber {
		if _, err := strconv.ParseFloat(string(n), 64); err != nil {
			return fmt.Errorf("%s %s is out of range", path, string(n))
		}
	}
	switch got {
	case kindObject:
		seen := make(map[string]bool)
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return fmt.Errorf("invalid JSON: %v", err)
			}
			key, ok := kt.(string)
			if !ok {
				return errors.New("invalid JSON: object key is not a string")
			}
			p := key
			if path != "" {
				p = path + "." + key
			}
			if seen[key] {
				return fmt.Errorf("field %q appears twice", p)
			}
			seen[key] = true
			child := anyShape
			if s.kind == kindObject {
				c, ok := s.fields[key]
				if !ok {
					return fmt.Errorf("unknown field %q", p)
				}
				child = c
			}
			if err := walkShape(dec, child, p); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // '}'
			return fmt.Errorf("invalid JSON: %v", err)
		}
	case kindArray:
		elem := anyShape
		if s.kind == kindArray {
			elem = s.elem
		}
		for i := 1; dec.More(); i++ {
			if err := walkShape(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // ']'
			return fmt.Errorf("invalid JSON: %v", err)
		}
	}
	return nil
}

func tokenKind(tok json.Token) kind {
	switch t := tok.(type) {
	case string:
		return kindString
	case json.Number, float64:
		return kindNumber
	case bool:
		return kindBool
	case json.Delim:
		if t == '{' {
			return kindObject
		}
		return kindArray
	}
	return kindAny // null
}

func kindName(k kind) string {
	switch k {
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindBool:
		return "true or false"
	case kindObject:
		return "an object"
	case kindArray:
		return "an array"
	}
	return "null"
}
