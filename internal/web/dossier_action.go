package web

import (
	"net/http"
	"net/url"
	"strconv"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// actionForms turn the form of each action on the dossier page
// (POST /ho-so/{code}/{action}) into its command. They check only what a
// form can get wrong (numbers, dates, choices) and record it as a field
// error; the rules are the domain's.
var actionForms = map[string]func(f *formValues) dossier.Command{
	"tiep-nhan": func(f *formValues) dossier.Command {
		return dossier.Receive{Documents: formDocs(f.Values, "documents", formBool(f.Values, "digitised"))}
	},
	"tu-choi": func(f *formValues) dossier.Command {
		return dossier.RefuseAtIntake{Reason: formText(f.Values, "reason")}
	},
	"huong-dan-bo-sung": func(f *formValues) dossier.Command {
		return dossier.RequestCompletion{Reason: formText(f.Values, "reason"), Missing: formDocs(f.Values, "missing", false)}
	},
	"chuyen-buoc": transferForm,
	"giao-lai":    transferForm,
	"yeu-cau-bo-sung": func(f *formValues) dossier.Command {
		return dossier.RequestSupplement{Reason: formText(f.Values, "reason"), Missing: formDocs(f.Values, "missing", false),
			Override: formBool(f.Values, "override")}
	},
	"nhan-bo-sung": func(f *formValues) dossier.Command {
		return dossier.ReceiveSupplement{Documents: formDocs(f.Values, "documents", formBool(f.Values, "digitised"))}
	},
	"yeu-cau-nop-phi": func(f *formValues) dossier.Command {
		amount, err := parseAmount(formText(f.Values, "amount"))
		if err != nil {
			f.fail("amount", "Số tiền phải là số đồng lớn hơn 0, ví dụ 150000 hoặc 150.000.")
		}
		return dossier.RequestPayment{Amount: amount, Reason: formText(f.Values, "reason")}
	},
	"xac-nhan-nop-phi": func(f *formValues) dossier.Command {
		return dossier.ConfirmPayment{PaidOnline: formBool(f.Values, "paid_online")}
	},
	"hen-lai": func(f *formValues) dossier.Command {
		promised, field, msg := parseVNTime(formText(f.Values, "date"), formText(f.Values, "time"))
		if field != "" {
			f.fail(field, msg)
		}
		return dossier.Reschedule{Promised: promised, Reason: formText(f.Values, "reason"), LateNotice: formBool(f.Values, "late_notice")}
	},
	"dung-xu-ly": func(f *formValues) dossier.Command { return dossier.Stop{Reason: formText(f.Values, "reason")} },
	"rut-ho-so":  func(f *formValues) dossier.Command { return dossier.Withdraw{Reason: formText(f.Values, "reason")} },
	"giai-quyet": func(f *formValues) dossier.Command {
		c := dossier.Resolve{Results: formLines(f.Values, "results"), EResult: formBool(f.Values, "e_result"), Reason: formText(f.Values, "reason")}
		switch f.Get("approved") {
		case "1":
			c.Approved = true
		case "0":
		default:
			f.fail("approved", "Chọn kết quả: giải quyết hoặc từ chối giải quyết.")
		}
		return c
	},
	"tra-ket-qua": func(f *formValues) dossier.Command {
		return dossier.Return{To: formText(f.Values, "to"), Method: formText(f.Values, "method")}
	},
}

// transferForm reads a transfer: to the next step, back, or a reassignment.
func transferForm(f *formValues) dossier.Command {
	step, err := strconv.Atoi(f.Get("to_step"))
	if err != nil || step < 0 {
		f.fail("to_step", "Chọn bước chuyển đến.")
	}
	return dossier.Transfer{ToStep: step, ToUnit: formText(f.Values, "to_unit"), ToUser: formText(f.Values, "to_user"), Note: formText(f.Values, "note")}
}

// dossierAction executes one action form against the version the form was
// rendered from. On success it redirects to the dossier page with a notice;
// when the rules refuse it, the page is shown again with the message beside
// that form and what was typed.
func (s *Server) dossierAction(w http.ResponseWriter, r *http.Request, u auth.User) {
	slug := r.PathValue("action")
	parse, ok := actionForms[slug]
	if !ok {
		s.fail(w, r, apperr.New(apperr.NotFound, "Không có thao tác này trên hồ sơ."))
		return
	}
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, ok := s.visibleDossier(w, r, u)
	if !ok {
		return
	}
	f := formValues{Values: form}
	version, err := strconv.Atoi(f.Get("version"))
	if err != nil || version < 1 {
		s.refused(w, r, u, rec, slug, f, apperr.New(apperr.Invalid, "Biểu mẫu thiếu phiên bản hồ sơ; vui lòng tải lại trang rồi thao tác lại."))
		return
	}
	cmd := parse(&f)
	if len(f.Errors) > 0 {
		s.refused(w, r, u, rec, slug, f, apperr.New(apperr.Invalid, "Vui lòng sửa các mục được đánh dấu."))
		return
	}
	done, err := s.deps.Store.Execute(r.Context(), store.Exec{AgencyID: u.AgencyID, DossierID: rec.ID, ExpectedVersion: version,
		Actor: actorOf(u), Command: cmd}, s.deps.Calendar, s.deps.Secret)
	if err != nil {
		if statusOf(apperr.CodeOf(err)) >= 500 {
			s.fail(w, r, err)
			return
		}
		// Show the dossier as it is now: after a conflict the forms carry the new version.
		if fresh, ferr := s.deps.Store.Dossier(r.Context(), u.AgencyID, rec.ID); ferr == nil {
			rec = fresh
		}
		s.refused(w, r, u, rec, slug, f, err)
		return
	}
	s.kick()
	key := done.State.Code
	if key == "" {
		key = done.ID
	}
	http.Redirect(w, r, dossierLink(key, url.Values{"ok": {slug}}), http.StatusSeeOther)
}

// refused shows the dossier page again with err beside the action's form.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, u auth.User, rec store.Record, slug string, f formValues, err error) {
	p, verr := s.dossierView(r, u, rec)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	p.Failed, p.Form, p.Error = slug, f, apperr.Message(err)
	s.offer(p, u) // again, now that the refused form must stay on the page
	s.render(w, r, statusOf(apperr.CodeOf(err)), "dossier.html", p)
}
