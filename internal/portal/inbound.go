package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
)

// Pulled counts what a pull of online dossiers did.
type Pulled struct {
	Created  int // new dossiers waiting at the one-stop desk
	Seen     int // already pulled before
	Rejected int // could not be created (unknown procedure, bad data): recorded with the reason
}

// pullPage is how many online dossiers one call asks for.
const pullPage = 100

// Pull fetches, for every agency, the dossiers submitted online on the
// portal since the last pull and records each as "Mới đăng ký" awaiting
// acceptance at the one-stop desk. The portal's identifier makes it
// idempotent: the same dossier pulled twice creates one.
func (w *Worker) Pull(ctx context.Context) (Pulled, error) {
	var res Pulled
	agencies, err := w.opt.Store.Agencies(ctx)
	if err != nil {
		return res, err
	}
	for _, a := range agencies {
		if err := w.pullAgency(ctx, a, &res); err != nil {
			return res, err
		}
	}
	if res.Created > 0 {
		w.opt.Log.Info("portal: online dossiers received", "created", res.Created, "seen", res.Seen, "rejected", res.Rejected)
	}
	return res, nil
}

func (w *Worker) pullAgency(ctx context.Context, a agency.Agency, res *Pulled) error {
	cursor, err := w.opt.Store.InboundCursor(ctx, a.ID)
	if err != nil {
		return err
	}
	var desk string
	var byCode map[string]string
	for {
		page, err := w.opt.Client.Inbound(ctx, a.Code, cursor, pullPage)
		if err != nil {
			return err
		}
		if len(page.HoSo) > 0 && byCode == nil {
			if desk, byCode, err = w.intakeTargets(ctx, a.ID); err != nil {
				return err
			}
		}
		for _, in := range page.HoSo {
			if err := w.take(ctx, a.ID, desk, byCode, in, res); err != nil {
				return err
			}
		}
		if page.Cursor == "" || page.Cursor == cursor {
			return nil
		}
		cursor = page.Cursor
		if err := w.opt.Store.SetInboundCursor(ctx, a.ID, cursor, w.opt.Now()); err != nil {
			return err
		}
		if len(page.HoSo) < pullPage {
			return nil
		}
	}
}

// intakeTargets returns the agency's one-stop unit and its procedures by national code.
func (w *Worker) intakeTargets(ctx context.Context, agencyID string) (string, map[string]string, error) {
	units, err := w.opt.Store.Units(ctx, agencyID)
	if err != nil {
		return "", nil, err
	}
	desk := ""
	for _, u := range units {
		if u.Kind == agency.KindOneStop {
			desk = u.ID
			break
		}
	}
	procs, err := w.opt.Store.Procedures(ctx, agencyID)
	if err != nil {
		return "", nil, err
	}
	byCode := map[string]string{}
	for _, p := range procs {
		if p.Code != "" {
			byCode[p.Code] = p.ID
		}
	}
	return desk, byCode, nil
}

// portalActor is who records an online submission.
var portalActor = dossier.Actor{Name: "Cổng Dịch vụ công quốc gia", Roles: []auth.Role{auth.Reception}}

// take records one pulled dossier, once.
func (w *Worker) take(ctx context.Context, agencyID, desk string, byCode map[string]string, in Inbound, res *Pulled) error {
	ref := strings.TrimSpace(in.MaHoSoQG)
	if ref == "" {
		res.Rejected++
		w.opt.Log.Warn("portal: an online dossier without MaHoSoQG was skipped")
		return nil
	}
	seen, err := w.opt.Store.InboundSeen(ctx, agencyID, ref)
	if err != nil || seen {
		if seen {
			res.Seen++
		}
		return err
	}
	rec := store.InboundRecord{PortalRef: ref, Status: "created", ReceivedAt: w.opt.Now()}
	submitted, err := ParseStamp(in.NgayNopHoSo)
	procID := byCode[strings.TrimSpace(in.MaTTHC)]
	switch {
	case err != nil:
		rec.Status, rec.Reason = "rejected", "NgayNopHoSo không đúng định dạng yyyyMMddHHmmss"
	case desk == "":
		rec.Status, rec.Reason = "rejected", "Cơ quan chưa có Bộ phận Một cửa để nhận hồ sơ trực tuyến"
	case procID == "":
		rec.Status, rec.Reason = "rejected", "Thủ tục "+clip(in.MaTTHC)+" không có trong danh mục của cơ quan"
	}
	if rec.Status == "created" {
		cmd := dossier.Submit{
			Applicant: dossier.Applicant{Kind: max(in.LoaiDoiTuong, 1), Name: in.ChuHoSo, IDNumber: in.SoGiayToChuHoSo,
				Phone: in.SoDienThoai, Email: in.Email, Address: in.DiaChi},
			SubmittedAt: submitted, Documents: inboundDocuments(in.TaiLieuNop), Unit: desk, PortalRef: ref,
		}
		actor := portalActor
		actor.UnitID = desk
		sum := sha256.Sum256([]byte(norm.NFC.String(ref)))
		r, err := w.opt.Store.Execute(ctx, store.Exec{AgencyID: agencyID, ProcedureID: procID, Actor: actor, Command: cmd,
			IdempotencyKey: "portal-inbound:" + ref, RequestHash: hex.EncodeToString(sum[:])}, w.calendar(agencyID), nil)
		switch {
		case err == nil:
			rec.DossierID = r.ID
		case apperr.Is(err, apperr.Invalid):
			rec.Status, rec.Reason = "rejected", apperr.Message(err)
		default:
			return err
		}
	}
	if rec.Status == "created" {
		res.Created++
	} else {
		res.Rejected++
		w.opt.Log.Warn("portal: online dossier rejected", "portal_ref", ref, "reason", rec.Reason)
	}
	return w.opt.Store.RecordInbound(ctx, agencyID, rec)
}

func inboundDocuments(docs []Document) []dossier.Document {
	var out []dossier.Document
	for _, d := range docs {
		if d.IsDeleted || strings.TrimSpace(d.TenTepDinhKem) == "" {
			continue
		}
		out = append(out, dossier.Document{Name: d.TenTepDinhKem, Copies: max(d.SoBan, 1), Original: d.BanChinh, Digitised: true})
	}
	return out
}
