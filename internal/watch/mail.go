package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/wneessen/go-mail"

	"dunghan/internal/store"
)

// SMTP is how to reach the mail server.
type SMTP struct {
	Host     string
	Port     int
	Username string // empty: no authentication
	Password string
	From     string // e.g. "Sở GDĐT <dunghan@sogd.example.gov.vn>"
	// TLS is "starttls" (required), "tls" (implicit, usually port 465) or
	// "none" (a relay on a trusted network, and tests).
	TLS     string
	Timeout time.Duration // per connection; default 15 s
}

// Mailer sends outbox e-mails over SMTP with go-mail, one connection per
// message so that one bad message cannot hold up the others.
type Mailer struct {
	cfg    SMTP
	now    func() time.Time
	attach Attacher
}

// Attachment is a file sent with an e-mail.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Attacher returns the files an outbox e-mail carries (the printed form
// of a citizen's status change); none for most. An error is retried.
type Attacher func(ctx context.Context, m store.OutboxItem) ([]Attachment, error)

// WithAttachments makes m attach to each e-mail the files fn returns.
func (m *Mailer) WithAttachments(fn Attacher) *Mailer {
	m.attach = fn
	return m
}

// NewMailer returns a Mailer; now stamps the Date header.
func NewMailer(cfg SMTP, now func() time.Time) *Mailer {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if now == nil {
		now = time.Now
	}
	return &Mailer{cfg: cfg, now: now}
}

// Send delivers one e-mail. Its Message-ID is derived from the outbox row,
// so a copy sent again after a crash is recognisably the same message.
func (m *Mailer) Send(ctx context.Context, it store.OutboxItem) error {
	msg := mail.NewMsg()
	if err := msg.From(m.cfg.From); err != nil {
		return Permanent(fmt.Errorf("sender address: %w", err))
	}
	if err := msg.To(it.Recipient); err != nil {
		return Permanent(errors.New("malformed recipient address")) // the address itself is personal data
	}
	msg.Subject(it.Subject)
	msg.SetBodyString(mail.TypeTextPlain, it.Body)
	msg.SetMessageIDWithValue(it.ID + "." + it.AgencyID + "@dunghan")
	msg.SetDateWithValue(m.now())
	msg.SetGenHeader("X-Dunghan-Kind", it.Kind)
	if m.attach != nil {
		files, err := m.attach(ctx, it)
		if err != nil {
			return fmt.Errorf("attachments: %w", err)
		}
		for _, f := range files {
			if err := msg.AttachReader(f.Name, bytes.NewReader(f.Data), mail.WithFileContentType(mail.ContentType(f.ContentType))); err != nil {
				return Permanent(fmt.Errorf("attachment %s: %w", f.Name, err))
			}
		}
	}
	opts := []mail.Option{mail.WithPort(m.cfg.Port), mail.WithTimeout(m.cfg.Timeout)}
	switch m.cfg.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if m.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(m.cfg.Username), mail.WithPassword(m.cfg.Password))
	}
	c, err := mail.NewClient(m.cfg.Host, opts...)
	if err != nil {
		return Permanent(fmt.Errorf("SMTP settings: %w", err))
	}
	err = c.DialAndSendWithContext(ctx, msg)
	var se *mail.SendError
	var ne net.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		// The server's own text may quote the address; keep personal data
		// out of the error, which is logged and shown.
		failed := fmt.Errorf("%s (SMTP %d %s)", se.Reason, se.ErrorCode(), se.EnhancedStatusCode())
		if !se.IsTemp() && (se.Reason == mail.ErrSMTPRcptTo || se.Reason == mail.ErrSMTPMailFrom) {
			return Permanent(fmt.Errorf("address refused: %w", failed)) // 5xx to MAIL FROM or RCPT TO
		}
		return failed
	case errors.As(err, &ne):
		return fmt.Errorf("SMTP server unreachable: %w", err)
	}
	return err
}
