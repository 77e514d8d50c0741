// Package apperr defines the typed errors that cross layers: a stable
// machine-readable code and a Vietnamese message that is safe to show.
// The internal cause, if any, is kept for logs and never shown.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error. The web layer maps codes to HTTP statuses in one place.
type Code string

// Codes shared by every package.
const (
	Invalid      Code = "invalid"      // bad input
	NotFound     Code = "not_found"    // the thing asked for does not exist
	Conflict     Code = "conflict"     // stale version, duplicate, or illegal in the current state
	Forbidden    Code = "forbidden"    // the actor's role or unit does not allow it
	Unauthorized Code = "unauthorized" // not logged in or bad credentials
	Unavailable  Code = "unavailable"  // a dependency (database, portal) cannot be reached
	Internal     Code = "internal"     // a bug or an unexpected failure
	TooLarge     Code = "too_large"    // the request body is over its limit
	RateLimited  Code = "rate_limited" // too many requests
)

// Error is a typed application error.
type Error struct {
	Code    Code
	Message string // Vietnamese, safe to show to the user
	Cause   error  // internal detail for logs; may be nil
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Cause }

// New returns an error with the given code and Vietnamese message.
func New(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Newf is New with a formatted message.
func Newf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with the given code and message that keeps cause for logs.
func Wrap(code Code, msg string, cause error) *Error {
	return &Error{Code: code, Message: msg, Cause: cause}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// Message returns the user-safe message of err, or a generic one.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Đã xảy ra lỗi hệ thống. Vui lòng thử lại sau."
}
