// Package config reads the DUNGHAN_* environment variables once into one
// typed, validated struct that is passed explicitly to whoever needs it.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the whole runtime configuration.
type Config struct {
	// DatabaseURL is "sqlite:PATH" (default sqlite:./data/dunghan.db) or postgres://….
	DatabaseURL string
	// Addr is the listen address of the web server.
	Addr string
	// Demo loads the demo agency into an empty database at start.
	Demo bool
	// LogLevel and LogJSON configure log/slog.
	LogLevel slog.Level
	LogJSON  bool
	// ShutdownTimeout bounds graceful shutdown on SIGTERM.
	ShutdownTimeout time.Duration
	// OIDC is the optional provincial single sign-on; off when Issuer is empty.
	OIDC OIDC
	// Notify configures the deadline watcher and its outbound channels.
	Notify Notify
	// Portal configures synchronisation with the National Public Service Portal.
	Portal Portal
	// FormTexts is a JSON file overriding the wording of the printed forms; "" for the built-in texts.
	FormTexts string
}

// Portal configures synchronisation with DVCQG; off when ServiceURL is
// empty. ServiceURL "sim" starts the built-in simulator on loopback.
type Portal struct {
	ServiceURL string
	SessionURL string
	Username   string
	Password   string
	Timeout    time.Duration
	Interval   time.Duration // between delivery rounds
	Inbound    time.Duration // between pulls of online dossiers; 0: off
	Reconcile  time.Duration // between reconciliations; 0: off
}

// Notify configures the deadline watcher, the outbox and its channels.
type Notify struct {
	SMTP    SMTP
	Webhook Webhook
	// OverdueAtOnce lets overdue alerts to the leadership go out at once,
	// outside office hours too; other messages wait for office hours.
	OverdueAtOnce bool
	// WatchInterval is the time between deadline sweeps.
	WatchInterval time.Duration
	// OutboxInterval is the time between outbox delivery rounds.
	OutboxInterval time.Duration
	// MaxAttempts is how often a message is tried before it is a dead letter.
	MaxAttempts int
	// PublicURL is this server's address as users reach it, for links in e-mails.
	PublicURL string
}

// SMTP is the mail server for e-mail notifications; off when Host is empty.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	TLS      string // starttls, tls or none
}

// Webhook is the agency's gateway (SMS, Zalo); off when URL is empty.
type Webhook struct {
	URL     string
	Secret  string // HMAC-SHA256 key of the signature header
	Timeout time.Duration
}

// OIDC configures single sign-on with an OpenID Connect provider. A user
// who signs in there must already exist here with the same username.
type OIDC struct {
	Issuer        string
	ClientID      string
	ClientSecret  string
	RedirectURL   string // this server's /dang-nhap/sso/callback as the provider sees it
	UsernameClaim string // ID-token claim holding the username
}

// vars lists every variable with its default and how to apply it.
var vars = []struct {
	name, def, help string
	set             func(c *Config, v string) error
}{
	{"DUNGHAN_DATABASE_URL", "sqlite:./data/dunghan.db", "sqlite:PATH or postgres://user@host:port/db", func(c *Config, v string) error {
		if !strings.HasPrefix(v, "sqlite:") && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
			return errors.New("must start with sqlite: or postgres://")
		}
		if v == "sqlite:" {
			return errors.New("sqlite: needs a file path, e.g. sqlite:./data/dunghan.db")
		}
		c.DatabaseURL = v
		return nil
	}},
	{"DUNGHAN_ADDR", "127.0.0.1:8080", "listen address host:port", func(c *Config, v string) error {
		_, port, err := net.SplitHostPort(v)
		if err != nil {
			return errors.New("must be host:port, e.g. 127.0.0.1:8080")
		}
		if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			return fmt.Errorf("port %q is not a number from 0 to 65535", port)
		}
		c.Addr = v
		return nil
	}},
	{"DUNGHAN_DEMO", "true", "load the demo agency into an empty database", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		c.Demo = b
		return boolErr(err)
	}},
	{"DUNGHAN_LOG_LEVEL", "info", "debug, info, warn or error", func(c *Config, v string) error {
		return c.LogLevel.UnmarshalText([]byte(v))
	}},
	{"DUNGHAN_LOG_FORMAT", "text", "text or json", func(c *Config, v string) error {
		switch v {
		case "text", "json":
			c.LogJSON = v == "json"
			return nil
		}
		return errors.New("must be text or json")
	}},
	{"DUNGHAN_OIDC_ISSUER", "", "OpenID Connect issuer URL for single sign-on (empty: off)", func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
			return errors.New("must be an http(s) URL")
		}
		c.OIDC.Issuer = v
		return nil
	}},
	{"DUNGHAN_OIDC_CLIENT_ID", "", "client ID registered with the provider", func(c *Config, v string) error { c.OIDC.ClientID = v; return nil }},
	{"DUNGHAN_OIDC_CLIENT_SECRET", "", "client secret", func(c *Config, v string) error { c.OIDC.ClientSecret = v; return nil }},
	{"DUNGHAN_OIDC_REDIRECT_URL", "", "callback URL, e.g. https://dunghan.example/dang-nhap/sso/callback", func(c *Config, v string) error {
		if v != "" && !strings.HasSuffix(v, "/dang-nhap/sso/callback") {
			return errors.New("must end with /dang-nhap/sso/callback")
		}
		c.OIDC.RedirectURL = v
		return nil
	}},
	{"DUNGHAN_OIDC_USERNAME_CLAIM", "preferred_username", "ID-token claim that holds the username", func(c *Config, v string) error { c.OIDC.UsernameClaim = v; return nil }},
	{"DUNGHAN_SMTP_HOST", "", "SMTP server for e-mail notifications (empty: e-mail off)", func(c *Config, v string) error {
		if strings.ContainsAny(v, ":/ ") {
			return errors.New("must be a host name or address only; the port goes in DUNGHAN_SMTP_PORT")
		}
		c.Notify.SMTP.Host = v
		return nil
	}},
	{"DUNGHAN_SMTP_PORT", "587", "SMTP port (587 with starttls, 465 with tls)", func(c *Config, v string) error {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return errors.New("must be a number from 1 to 65535")
		}
		c.Notify.SMTP.Port = p
		return nil
	}},
	{"DUNGHAN_SMTP_USERNAME", "", "SMTP user name (empty: no authentication)", func(c *Config, v string) error { c.Notify.SMTP.Username = v; return nil }},
	{"DUNGHAN_SMTP_PASSWORD", "", "SMTP password", func(c *Config, v string) error { c.Notify.SMTP.Password = v; return nil }},
	{"DUNGHAN_SMTP_FROM", "", "sender of e-mails, e.g. \"Sở GDĐT <dunghan@sogd.example.gov.vn>\"", func(c *Config, v string) error {
		if v != "" {
			if _, err := mail.ParseAddress(v); err != nil {
				return errors.New("must be an e-mail address, optionally with a name: Name <user@host>")
			}
		}
		c.Notify.SMTP.From = v
		return nil
	}},
	{"DUNGHAN_SMTP_TLS", "starttls", "starttls (required), tls (implicit, port 465) or none (trusted relay)", func(c *Config, v string) error {
		switch v {
		case "starttls", "tls", "none":
			c.Notify.SMTP.TLS = v
			return nil
		}
		return errors.New("must be starttls, tls or none")
	}},
	{"DUNGHAN_WEBHOOK_URL", "", "URL that receives every alert and status change as a signed JSON POST (empty: off)", func(c *Config, v string) error {
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return errors.New("must be an http(s) URL")
			}
		}
		c.Notify.Webhook.URL = v
		return nil
	}},
	{"DUNGHAN_WEBHOOK_SECRET", "", "shared secret of the X-Dunghan-Signature header (HMAC-SHA256), at least 16 characters", func(c *Config, v string) error {
		c.Notify.Webhook.Secret = v
		return nil
	}},
	{"DUNGHAN_WEBHOOK_TIMEOUT", "10s", "time limit of one webhook call", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 2*time.Minute {
			return errors.New("must be a duration between 1s and 2m, e.g. 10s")
		}
		c.Notify.Webhook.Timeout = d
		return nil
	}},
	{"DUNGHAN_OVERDUE_AT_ONCE", "false", "send overdue alerts to the leadership at once, even outside office hours", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		c.Notify.OverdueAtOnce = b
		return boolErr(err)
	}},
	{"DUNGHAN_WATCH_INTERVAL", "1m", "time between deadline sweeps", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > time.Hour {
			return errors.New("must be a duration between 1s and 1h, e.g. 1m")
		}
		c.Notify.WatchInterval = d
		return nil
	}},
	{"DUNGHAN_OUTBOX_INTERVAL", "30s", "time between delivery rounds of e-mails and webhook calls", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > time.Hour {
			return errors.New("must be a duration between 1s and 1h, e.g. 30s")
		}
		c.Notify.OutboxInterval = d
		return nil
	}},
	{"DUNGHAN_OUTBOX_MAX_ATTEMPTS", "8", "attempts before a message becomes a dead letter", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			return errors.New("must be a number from 1 to 50")
		}
		c.Notify.MaxAttempts = n
		return nil
	}},
	{"DUNGHAN_PUBLIC_URL", "", "this server's address as users reach it, for links in e-mails, e.g. https://dunghan.sogd.example.gov.vn", func(c *Config, v string) error {
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return errors.New("must be an http(s) URL")
			}
		}
		c.Notify.PublicURL = strings.TrimSuffix(v, "/")
		return nil
	}},
	{"DUNGHAN_PORTAL_URL", "", "service endpoint of the National Public Service Portal (DVCQG); \"sim\" starts the built-in simulator; empty: no sync", func(c *Config, v string) error {
		if v != "" && v != "sim" {
			if err := httpURL(v); err != nil {
				return err
			}
		}
		c.Portal.ServiceURL = v
		return nil
	}},
	{"DUNGHAN_PORTAL_SESSION_URL", "", "session (log-in) endpoint of the portal", func(c *Config, v string) error {
		if v != "" {
			if err := httpURL(v); err != nil {
				return err
			}
		}
		c.Portal.SessionURL = v
		return nil
	}},
	{"DUNGHAN_PORTAL_USER", "", "the agency's integration account on the portal", func(c *Config, v string) error { c.Portal.Username = v; return nil }},
	{"DUNGHAN_PORTAL_PASSWORD", "", "its password", func(c *Config, v string) error { c.Portal.Password = v; return nil }},
	{"DUNGHAN_PORTAL_TIMEOUT", "20s", "time limit of one portal call", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 2*time.Minute {
			return errors.New("must be a duration between 1s and 2m, e.g. 20s")
		}
		c.Portal.Timeout = d
		return nil
	}},
	{"DUNGHAN_PORTAL_INTERVAL", "5s", "time between portal delivery rounds", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > time.Hour {
			return errors.New("must be a duration between 1s and 1h, e.g. 5s")
		}
		c.Portal.Interval = d
		return nil
	}},
	{"DUNGHAN_PORTAL_INBOUND", "1m", "time between pulls of dossiers submitted online on the portal", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || (d != 0 && d < 5*time.Second || d > 24*time.Hour) {
			return errors.New("must be 0 (off) or a duration between 5s and 24h, e.g. 1m")
		}
		c.Portal.Inbound = d
		return nil
	}},
	{"DUNGHAN_PORTAL_RECONCILE", "24h", "time between reconciliations of the last 31 days with the portal", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || (d != 0 && d < time.Minute || d > 7*24*time.Hour) {
			return errors.New("must be 0 (off) or a duration between 1m and 168h, e.g. 24h")
		}
		c.Portal.Reconcile = d
		return nil
	}},
	{"DUNGHAN_FORM_TEXTS", "", "JSON file overriding the wording and the agency's contact details on the printed forms (start from 'dunghan forms texts')", func(c *Config, v string) error {
		c.FormTexts = v
		return nil
	}},
	{"DUNGHAN_SHUTDOWN_TIMEOUT", "10s", "graceful shutdown limit, e.g. 10s", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > 5*time.Minute {
			return errors.New("must be a duration between 1ms and 5m, e.g. 10s")
		}
		c.ShutdownTimeout = d
		return nil
	}},
}

// httpURL checks that v is an absolute http(s) URL.
func httpURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("must be an http(s) URL")
	}
	return nil
}

func boolErr(err error) error {
	if err != nil {
		return errors.New("must be true or false")
	}
	return nil
}

// Load reads the configuration from environ (os.Environ format). Every bad
// value is reported, one per line; unknown DUNGHAN_* variables are errors too,
// because a typo would otherwise be silently ignored.
func Load(environ []string) (Config, error) {
	env := map[string]string{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(k, "DUNGHAN_") {
			env[k] = v
		}
	}
	var c Config
	var errs []error
	known := map[string]bool{}
	for _, x := range vars {
		known[x.name] = true
		v, ok := env[x.name]
		if !ok || strings.TrimSpace(v) == "" {
			v = x.def
		}
		if err := x.set(&c, strings.TrimSpace(v)); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %v", x.name, v, err))
		}
	}
	if c.OIDC.Issuer != "" && (c.OIDC.ClientID == "" || c.OIDC.RedirectURL == "") {
		errs = append(errs, errors.New("DUNGHAN_OIDC_ISSUER is set: DUNGHAN_OIDC_CLIENT_ID and DUNGHAN_OIDC_REDIRECT_URL are required too"))
	}
	if n := c.Notify; n.SMTP.Host != "" && n.SMTP.From == "" {
		errs = append(errs, errors.New("DUNGHAN_SMTP_HOST is set: DUNGHAN_SMTP_FROM is required too"))
	}
	if n := c.Notify; n.SMTP.Username != "" && n.SMTP.TLS == "none" {
		errs = append(errs, errors.New("DUNGHAN_SMTP_TLS=none would send DUNGHAN_SMTP_PASSWORD in clear: use starttls or tls, or leave DUNGHAN_SMTP_USERNAME empty"))
	}
	if n := c.Notify; n.Webhook.URL != "" && len(n.Webhook.Secret) < 16 {
		// The secret itself is never printed.
		errs = append(errs, errors.New("DUNGHAN_WEBHOOK_URL is set: DUNGHAN_WEBHOOK_SECRET must have at least 16 characters"))
	}
	if p := c.Portal; p.ServiceURL != "" && p.ServiceURL != "sim" && (p.SessionURL == "" || p.Username == "" || p.Password == "") {
		errs = append(errs, errors.New("DUNGHAN_PORTAL_URL is set: DUNGHAN_PORTAL_SESSION_URL, DUNGHAN_PORTAL_USER and DUNGHAN_PORTAL_PASSWORD are required too"))
	}
	var unknown []string
	for k := range env {
		if !known[k] && !ignored[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		errs = append(errs, fmt.Errorf("%s: unknown variable (see 'dunghan serve -h')", k))
	}
	return c, errors.Join(errs...)
}

// ignored are DUNGHAN_* variables read by tests and tools, not by the server.
var ignored = map[string]bool{"DUNGHAN_TEST_PG": true}

// Help describes every variable, for command usage texts.
func Help() string {
	var b strings.Builder
	for _, x := range vars {
		fmt.Fprintf(&b, "  %-26s %s (default %s)\n", x.name, x.help, x.def)
	}
	return b.String()
}
