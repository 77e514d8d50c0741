package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
)

// maxBody bounds every JSON request body.
const maxBody = 1 << 20

// apiError is the JSON error body: a machine-readable code and a Vietnamese message.
type apiError struct {
	Error struct {
		Code    apperr.Code `json:"code"`
		Message string      `json:"message"`
	} `json:"error"`
}

// writeJSON writes v with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// failJSON writes err as a JSON error; internal causes are logged, not shown.
func (s *Server) failJSON(w http.ResponseWriter, r *http.Request, err error) {
	var body apiError
	body.Error.Code = apperr.CodeOf(err)
	body.Error.Message = apperr.Message(err)
	status := statusOf(body.Error.Code)
	if status >= 500 {
		s.deps.Log.Error("api request failed", "route", r.Pattern, "code", body.Error.Code, "err", err)
	}
	writeJSON(w, status, body)
}

// decodeJSON reads a bounded JSON body into v, rejecting unknown fields
// and trailing data.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apperr.New(apperr.Invalid, "Nội dung yêu cầu phải là JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return apperr.New(apperr.TooLarge, "Nội dung yêu cầu quá lớn (tối đa 1 MB).")
		}
		return apperr.Wrap(apperr.Invalid, "Nội dung JSON không hợp lệ: "+jsonProblem(err), err)
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return apperr.New(apperr.Invalid, "Nội dung JSON không hợp lệ: có dữ liệu thừa sau đối tượng JSON.")
	}
	return nil
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return "trường \"" + typeErr.Field + "\" sai kiểu dữ liệu"
	case errors.As(err, &syntaxErr):
		return "sai cú pháp"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "trường không được hỗ trợ " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "sai cú pháp (JSON chưa kết thúc)"
	case errors.Is(err, io.EOF):
		return "thiếu nội dung"
	}
	return "không đọc được"
}

// bearer returns the authenticated user of an API request.
func (s *Server) bearer(r *http.Request) (auth.User, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return auth.User{}, apperr.New(apperr.Unauthorized, "Cần đăng nhập: gửi mã truy cập trong tiêu đề Authorization: Bearer …")
	}
	return s.deps.Store.UserByToken(r.Context(), token, s.deps.Now())
}
