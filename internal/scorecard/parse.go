package scorecard

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
)

// MaxInput bounds the size of a what-if input in bytes.
const MaxInput = 1 << 20

// maxDepth bounds the nesting of a what-if input.
const maxDepth = 16

// Parse reads a what-if input against the formula set in force.
func Parse(data []byte) (Input, error) { return ParseFor(Current, data) }

// ParseFor reads a what-if input against set: a JSON object with the
// optional members progress, payment, online (objects of counts) and
// metrics (metric code → {numerator, denominator}). A member that is null
// counts as absent. Keys are matched exactly; a repeated key, an unknown
// key or metric code, a missing count, a count that is not a non-negative
// integer, a numerator above its denominator, or anything that is not JSON
// is an *InputError naming the field.
func ParseFor(set Set, data []byte) (Input, error) {
	var in Input
	if len(data) > MaxInput {
		return in, inputErr("", "Dữ liệu quá lớn (tối đa %d byte).", MaxInput)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return in, inputErr("", "Không có dữ liệu: cần một đối tượng JSON, ví dụ {\"progress\": {\"totalReceived\": 326, \"totalOnTime\": 207}}.")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := readValue(dec, "", 0)
	if err != nil {
		return in, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return in, inputErr("", "Dữ liệu không phải JSON hợp lệ: có nội dung thừa sau đối tượng JSON.")
	}
	if root.kind != kindObject {
		return in, inputErr("", "Dữ liệu phải là một đối tượng JSON {…}, nhận được %s.", root.kind)
	}
	for i, key := range root.keys {
		v := root.vals[i]
		if v.kind == kindNull {
			continue
		}
		switch key {
		case "progress":
			in.Progress = &ProgressInput{}
			err = readCounts(v, key, in.Progress.params())
		case "payment":
			in.Payment = &PaymentInput{}
			err = readCounts(v, key, in.Payment.params())
		case "online":
			in.Online = &OnlineInput{}
			err = readCounts(v, key, in.Online.params())
		case "metrics":
			in.Metrics, err = readMetrics(set, v)
		default:
			err = inputErr(key, "trường không được hỗ trợ. Các trường hợp lệ: progress, payment, online, metrics.")
		}
		if err != nil {
			return Input{}, err
		}
	}
	if err := in.Validate(set); err != nil {
		return Input{}, err
	}
	return in, nil
}

func readMetrics(set Set, v *value) (map[string]Counted, error) {
	if v.kind != kindObject {
		return nil, inputErr("metrics", "phải là một đối tượng {\"MÃ_CHỈ_SỐ\": {\"numerator\": …, \"denominator\": …}}, nhận được %s.", v.kind)
	}
	out := map[string]Counted{}
	for i, code := range v.keys {
		if _, ok := set.Metric(code); !ok {
			return nil, unknownMetric(set, code)
		}
		m := v.vals[i]
		if m.kind == kindNull {
			continue
		}
		var c Counted
		if err := readCounts(m, "metrics."+code, c.params()); err != nil {
			return nil, err
		}
		out[code] = c
	}
	return out, nil
}

// readCounts fills params from an object that must have exactly those keys.
func readCounts(v *value, path string, params []param) error {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.name
	}
	if v.kind != kindObject {
		return inputErr(path, "phải là một đối tượng JSON với các trường %s; nhận được %s.", strings.Join(names, ", "), v.kind)
	}
	for _, key := range v.keys {
		if !slices.Contains(names, key) {
			return inputErr(path+"."+key, "trường không được hỗ trợ. Các trường hợp lệ: %s.", strings.Join(names, ", "))
		}
	}
	for _, p := range params {
		i := slices.Index(v.keys, p.name)
		if i < 0 {
			return inputErr(path+"."+p.name, "thiếu trường bắt buộc.")
		}
		n, err := count(v.vals[i], path+"."+p.name)
		if err != nil {
			return err
		}
		*p.ptr = n
	}
	return nil
}

// count reads a non-negative integer no larger than MaxCount.
func count(v *value, path string) (int64, error) {
	switch v.kind {
	case kindNumber:
	case kindNull:
		return 0, inputErr(path, "thiếu giá trị (null); cần một số nguyên không âm.")
	default:
		return 0, inputErr(path, "phải là một số nguyên không âm, nhận được %s.", v.kind)
	}
	s := v.num.String()
	if strings.HasPrefix(s, "-") {
		return 0, inputErr(path, "không được là số âm (nhận được %s).", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		var numErr *strconv.NumError
		if errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange) {
			return 0, inputErr(path, "vượt quá giới hạn %d.", int64(MaxCount))
		}
		return 0, inputErr(path, "phải là một số nguyên không âm, nhận được %s.", s)
	}
	if n > MaxCount {
		return 0, inputErr(path, "vượt quá giới hạn %d.", int64(MaxCount))
	}
	return n, nil
}

// kind is the JSON type of a value, named in Vietnamese for messages.
type kind string

const (
	kindObject kind = "một đối tượng"
	kindArray  kind = "một mảng"
	kindString kind = "một chuỗi"
	kindNumber kind = "một số"
	kindBool   kind = "giá trị đúng/sai"
	kindNull   kind = "null"
)

// value is a decoded JSON value that keeps the order of object keys.
type value struct {
	kind kind
	num  json.Number
	keys []string
	vals []*value
}

// readValue reads one JSON value token by token, refusing repeated keys
// and deep nesting. path names the value in messages.
func readValue(dec *json.Decoder, path string, depth int) (*value, error) {
	if depth > maxDepth {
		return nil, inputErr(path, "lồng nhau quá sâu (tối đa %d cấp).", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxErr(err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &value{kind: kindObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, syntaxErr(err)
				}
				key, ok := kt.(string)
				if !ok {
					return nil, inputErr(path, "Dữ liệu không phải JSON hợp lệ: tên trường phải là chuỗi.")
				}
				if slices.Contains(v.keys, key) {
					return nil, inputErr(join(path, key), "trường bị lặp lại.")
				}
				child, err := readValue(dec, join(path, key), depth+1)
				if err != nil {
					return nil, err
				}
				v.keys, v.vals = append(v.keys, key), append(v.vals, child)
			}
			if _, err := dec.Token(); err != nil {
				return nil, syntaxErr(err)
			}
			return v, nil
		case '[':
			v := &value{kind: kindArray}
			for i := 0; dec.More(); i++ {
				child, err := readValue(dec, path+"["+strconv.Itoa(i)+"]", depth+1)
				if err != nil {
					return nil, err
				}
				v.vals = append(v.vals, child)
			}
			if _, err := dec.Token(); err != nil {
				return nil, syntaxErr(err)
			}
			return v, nil
		}
		return nil, inputErr(path, "Dữ liệu không phải JSON hợp lệ.")
	case json.Number:
		return &value{kind: kindNumber, num: t}, nil
	case string:
		return &value{kind: kindString}, nil
	case bool:
		return &value{kind: kindBool}, nil
	case nil:
		return &value{kind: kindNull}, nil
	}
	return nil, inputErr(path, "Dữ liệu không phải JSON hợp lệ.")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// syntaxErr describes a decoding error without echoing the input.
func syntaxErr(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return inputErr("", "Dữ liệu không phải JSON hợp lệ: sai cú pháp ở ký tự thứ %d.", se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return inputErr("", "Dữ liệu không phải JSON hợp lệ: JSON chưa kết thúc.")
	}
	return inputErr("", "Dữ liệu không phải JSON hợp lệ.")
}
