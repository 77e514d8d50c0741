package dossier

import (
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
)

// clean trims s, replaces invalid UTF-8 and normalises it to NFC, so that
// Vietnamese diacritics compare and print correctly and the text survives a
// JSON round trip unchanged.
func clean(s string) string {
	return norm.NFC.String(strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD")))
}

// validApplicant checks and normalises an applicant; Kind 0 means a citizen.
func validApplicant(a Applicant) (Applicant, error) {
	a.Name, a.IDNumber, a.Phone = clean(a.Name), clean(a.IDNumber), clean(a.Phone)
	a.Email, a.Address, a.Organisation = clean(a.Email), clean(a.Address), clean(a.Organisation)
	if a.Kind == 0 {
		a.Kind = 1
	}
	switch {
	case a.Name == "":
		return a, apperr.New(apperr.Invalid, "Thiếu họ tên chủ hồ sơ.")
	case a.Kind != 1 && a.Kind != 2:
		return a, apperr.New(apperr.Invalid, "Loại chủ hồ sơ không hợp lệ (1 công dân, 2 doanh nghiệp).")
	}
	return a, nil
}

// cleanDocs normalises a document list; nil when empty.
func cleanDocs(docs []Document) ([]Document, error) {
	var out []Document
	for _, d := range docs {
		d.Name = clean(d.Name)
		switch {
		case d.Name == "":
			return nil, apperr.New(apperr.Invalid, "Thành phần hồ sơ thiếu tên.")
		case d.Copies < 0:
			return nil, apperr.Newf(apperr.Invalid, "Số bản của «%s» không được âm.", d.Name)
		}
		out = append(out, d)
	}
	return out, nil
}

// cleanList normalises a list of names; nil when empty.
func cleanList(items []string, what string) ([]string, error) {
	var out []string
	for _, s := range items {
		if s = clean(s); s == "" {
			return nil, apperr.Newf(apperr.Invalid, "Có %s để trống.", what)
		}
		out = append(out, s)
	}
	return out, nil
}

// required returns the cleaned s, or an Invalid error with msg when it is empty.
func required(s, msg string) (string, error) {
	if s = clean(s); s == "" {
		return "", apperr.New(apperr.Invalid, msg)
	}
	return s, nil
}

// vnTime formats an instant for messages: 15:04 ngày 02/01/2006, Vietnam time.
func vnTime(t time.Time) string { return t.In(calendar.Zone).Format("15:04 ngày 02/01/2006") }
