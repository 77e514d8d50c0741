package procedure

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// fingerprintDomain starts every fingerprinted encoding. Change its version
// suffix whenever the encoding below changes, since stored fingerprints
// would no longer match.
const fingerprintDomain = "dunghan/procedure.Version/v1"

// Fingerprint is a stable hash (SHA-256, lower-case hex) of the version's
// content: every field except EffectiveFrom, the steps in order with all
// their fields, and the legal duration including whether there is one.
// Importing the same record twice gives the same fingerprint, so the second
// import can be a no-op; any change of content (a duration, a step budget, a
// fee, a name) gives a new one and so a new version.
//
// Strings are hashed as they are; ParseCatalogue has already normalised
// them to NFC. The Procedure's Key and Code are not part of the version.
func (v Version) Fingerprint() string {
	f := fingerprinter{h: sha256.New()}
	f.str(fingerprintDomain)
	f.str(v.Name)
	f.str(v.Field)
	f.str(v.FieldCode)
	f.str(v.Level)
	if v.Legal == nil {
		f.boolean(false)
	} else {
		f.boolean(true)
		f.integer(v.Legal.Value)
		f.str(string(v.Legal.Unit))
		f.integer(v.Legal.Cutoff)
	}
	f.str(v.DurationText)
	f.str(string(v.Online))
	f.str(v.Fee)
	f.integer(len(v.RequiredDocuments))
	for _, d := range v.RequiredDocuments {
		f.str(d)
	}
	f.str(v.Source)
	f.integer(len(v.Steps))
	for _, s := range v.Steps {
		f.str(string(s.Role))
		f.str(s.Actor)
		f.integer(s.Budget)
		f.boolean(s.External)
		f.str(s.Note)
	}
	f.boolean(v.StepsGenerated)
	return hex.EncodeToString(f.h.Sum(nil))
}

// fingerprinter writes an unambiguous encoding: every string is prefixed by
// its length, every integer takes 8 bytes, every list starts with its count.
type fingerprinter struct {
	h   hash.Hash
	buf [8]byte
}

func (f *fingerprinter) integer(n int) {
	binary.BigEndian.PutUint64(f.buf[:], uint64(int64(n)))
	f.h.Write(f.buf[:])
}

func (f *fingerprinter) str(s string) {
	f.integer(len(s))
	f.h.Write([]byte(s))
}

func (f *fingerprinter) boolean(b bool) {
	if b {
		f.h.Write([]byte{1})
	} else {
		f.h.Write([]byte{0})
	}
}
