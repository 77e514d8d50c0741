package scorecard

import (
	"math/big"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/auth"
	"dunghan/internal/dossier"
)

// Facts are what this system knows, for one scope and period, of the
// parameters the portal scores. The period's cohort is the dossiers
// accepted in it; an open one is judged at the period's end, or now if the
// period has not ended.
type Facts struct {
	Received           int64 // the cohort
	OnTime             int64 // of the cohort, on time by the portal's rules (dossier.OnTime766)
	OnTimeUncomplained int64 // of those, not rated "không hài lòng" by the citizen
	ReceivedOnline     int64 // of the cohort, received online

	// Of the cohort, the dossiers of procedures offered online (fully or
	// partly, by the procedure's latest version), and those of them
	// received online.
	OfferedReceived, OfferedReceivedOnline int64

	// The agency's catalogue: procedures, and those offered partly or fully online.
	Procedures, ProceduresPartial, ProceduresFull int64
	// Procedures with fees (FeeApplies), those of them with dossiers in the
	// cohort, and those with a dossier paid online among the finished.
	FeeProcedures, FeeProceduresWithDossiers, FeeProceduresPaidOnline int64

	// Dossiers finished in the period: those that had a financial
	// obligation (a payment request) and those of them paid online.
	FeeDossiers, PaidOnline int64
	// Dossiers resolved with a result (approved) in the period, those with
	// an electronic result, and those whose documents were all digitised
	// and whose result was electronic.
	Results, EResults, Digitised int64

	// SyncKnown is set when the portal sync runs; Synced is then how many of
	// the cohort the portal shows in their latest version (DOSSIER_SYNC).
	SyncKnown bool
	Synced    int64
}

// Input maps the facts to the what-if input: every parameter this system
// can know. The rest (the other transparency, satisfaction and
// digitisation metrics) are left out: see Unknown.
func (f Facts) Input() Input {
	in := Input{
		Progress: &ProgressInput{TotalReceived: f.Received, TotalOnTime: f.OnTime},
		Payment: &PaymentInput{
			TotalDossierOnlinePaymentSuccess: f.PaidOnline, TotalDossierFinancialObligation: f.FeeDossiers,
			TotalDossierOnlineFormalityPaymentSuccess: f.FeeProceduresPaidOnline, TotalFeeDossierFormality: f.FeeProceduresWithDossiers,
			TotalFeeFormality: f.FeeProcedures,
		},
		Online: &OnlineInput{
			AuthorityCount: f.Procedures, PartialCount: f.ProceduresPartial, FullCount: f.ProceduresFull,
			OnlineDossierCount: f.OfferedReceivedOnline, OnlineServiceTotal: f.OfferedReceived,
			ChannelOnlineSum: f.ReceivedOnline, ChannelTotalSum: f.Received,
		},
		Metrics: map[string]Counted{
			"DOSSIER_RECEIVING_SATISFACTION": {Numerator: f.OnTimeUncomplained, Denominator: f.Received},
			"ORIGINAL_RESULT_AVAILABLE":      {Numerator: f.EResults, Denominator: f.Results},
			"SO_HOA_GIAY_TO_GIAI_QUYET":      {Numerator: f.Digitised, Denominator: f.Results},
		},
	}
	if f.SyncKnown {
		in.Metrics["DOSSIER_SYNC"] = Counted{Numerator: f.Synced, Denominator: f.Received}
	}
	return in
}

// Unknown lists the metrics of the set that the input does not give, by
// group; a group none of whose metrics is known is listed with all of them.
func Unknown(set Set, in Input) map[string][]Metric {
	out := map[string][]Metric{}
	for _, m := range set.Metrics {
		if _, ok := in.Metrics[m.Code]; !ok && m.Rule != Info {
			out[m.Group] = append(out[m.Group], m)
		}
	}
	return out
}

// Outlook is the open part of the cohort of a period that has not ended.
type Outlook struct {
	Open        int64 // cohort dossiers open now
	Recoverable int64 // of them, still on time now
	// DueInPeriod are the recoverable dossiers that would be late if they
	// were still open at the period's end.
	DueInPeriod int64
}

// Projection is where a period that has not ended is heading.
type Projection struct {
	// Best: every open dossier due in the period finishes on time. Open
	// dossiers still on time now then count as on time at the end, so this
	// is the score now: the most the period can still reach with the
	// dossiers received so far.
	Best Facts
	// Pace: the dossiers due in the period are late in the same share as
	// the cohort's finished dossiers were.
	Pace         Facts
	ExpectedLate int64
}

// Project computes the two outlooks of f. Dossiers received from now to
// the period's end are not counted.
func (f Facts) Project(o Outlook) Projection {
	p := Projection{Best: f, Pace: f}
	finished := f.Received - o.Open
	finishedOnTime := f.OnTime - o.Recoverable
	if finished > 0 && o.DueInPeriod > 0 {
		// DueInPeriod × late share, half-up to a whole dossier.
		n := new(big.Int).Mul(big.NewInt(o.DueInPeriod), big.NewInt(finished-finishedOnTime))
		n.Add(n.Lsh(n, 1), big.NewInt(finished))
		p.ExpectedLate = min(n.Quo(n, big.NewInt(2*finished)).Int64(), o.DueInPeriod)
	}
	p.Pace.OnTime = max(0, f.OnTime-p.ExpectedLate)
	p.Pace.OnTimeUncomplained = max(0, min(p.Pace.OnTime, f.OnTimeUncomplained-p.ExpectedLate))
	return p
}

// HandlingUnit is the unit a dossier's scorecard and report figures belong
// to: the unit of its last visit to a specialist or division-head step (the
// division that handles it), or its receiving unit before any.
func HandlingUnit(s dossier.State) string {
	unit := s.ReceivingUnit
	for _, v := range s.Visits {
		if v.Step < 0 || v.Step >= len(s.Procedure.Steps) || v.Unit == "" {
			continue
		}
		switch s.Procedure.Steps[v.Step].Role {
		case auth.Specialist, auth.DivisionHead:
			unit = v.Unit
		}
	}
	return unit
}

// Digitised reports whether every document of the dossier was digitised
// (and it has at least one).
func Digitised(docs []dossier.Document) bool {
	for _, d := range docs {
		if !d.Digitised {
			return false
		}
	}
	return len(docs) > 0
}

// FeeApplies reads a procedure's fee text: whether it charges a fee.
// Empty, "Không", "Không thu phí", "Miễn phí"… do not.
func FeeApplies(text string) bool {
	f := fold(text)
	switch {
	case f == "", f == "-":
		return false
	case strings.HasPrefix(f, "khong"), strings.HasPrefix(f, "mien"):
		return false
	}
	return true
}

// fold lower-cases s and strips its Vietnamese diacritics.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.TrimSpace(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.TrimSpace(b.String())
}
