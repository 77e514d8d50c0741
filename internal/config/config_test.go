package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{DatabaseURL: "sqlite:./data/dunghan.db", Addr: "127.0.0.1:8080", Demo: true, LogLevel: slog.LevelInfo, ShutdownTimeout: 10 * time.Second, OIDC: OIDC{UsernameClaim: "preferred_username"},
		Notify: Notify{SMTP: SMTP{Port: 587, TLS: "starttls"}, Webhook: Webhook{Timeout: 10 * time.Second}, WatchInterval: time.Minute,
			OutboxInterval: 30 * time.Second, MaxAttempts: 8},
		Portal: Portal{Timeout: 20 * time.Second, Interval: 5 * time.Second, Inbound: time.Minute, Reconcile: 24 * time.Hour}}
	if c != want {
		t.Fatalf("got %+v, want %+v", c, want)
	}
}

func TestValues(t *testing.T) {
	c, err := Load([]string{"DUNGHAN_DATABASE_URL=postgres://u@127.0.0.1:5432/x", "DUNGHAN_ADDR=:9000", "DUNGHAN_DEMO=false", "DUNGHAN_LOG_LEVEL=debug", "DUNGHAN_LOG_FORMAT=json", "PATH=/bin"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://u@127.0.0.1:5432/x" || c.Addr != ":9000" || c.Demo || c.LogLevel != slog.LevelDebug || !c.LogJSON {
		t.Fatalf("got %+v", c)
	}
}

func TestPortal(t *testing.T) {
	c, err := Load([]string{"DUNGHAN_PORTAL_URL=sim", "DUNGHAN_PORTAL_INBOUND=0", "DUNGHAN_PORTAL_RECONCILE=1h"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Portal.ServiceURL != "sim" || c.Portal.Inbound != 0 || c.Portal.Reconcile != time.Hour {
		t.Fatalf("got %+v", c.Portal)
	}
	_, err = Load([]string{"DUNGHAN_PORTAL_URL=https://dvc.example.gov.vn/service", "DUNGHAN_PORTAL_INBOUND=1s"})
	if err == nil || !strings.Contains(err.Error(), "DUNGHAN_PORTAL_INBOUND") || !strings.Contains(err.Error(), "DUNGHAN_PORTAL_SESSION_URL") {
		t.Fatalf("want the inbound interval and the missing session settings reported, got %v", err)
	}
	if strings.Contains(err.Error(), "DUNGHAN_PORTAL_PASSWORD=") {
		t.Fatal("the password variable's value must never be echoed")
	}
}

func TestEveryBadValueReported(t *testing.T) {
	_, err := Load([]string{"DUNGHAN_DATABASE_URL=mysql://x", "DUNGHAN_ADDR=8080", "DUNGHAN_DEMO=maybe", "DUNGHAN_LOG_LEVEL=loud", "DUNGHAN_LOG_FORMAT=xml", "DUNGHAN_SHUTDOWN_TIMEOUT=-1s", "DUNGHAN_ADRR=x"})
	if err == nil {
		t.Fatal("want error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 7 {
		t.Fatalf("want 7 lines, got %d:\n%s", len(lines), err)
	}
	for _, name := range []string{"DATABASE_URL", "ADDR=", "DEMO", "LOG_LEVEL", "LOG_FORMAT", "SHUTDOWN", "DUNGHAN_ADRR: unknown"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s:\n%s", name, err)
		}
	}
}

func TestOIDCNeedsClientAndRedirect(t *testing.T) {
	if _, err := Load([]string{"DUNGHAN_OIDC_ISSUER=https://sso.example"}); err == nil || !strings.Contains(err.Error(), "DUNGHAN_OIDC_CLIENT_ID") {
		t.Fatalf("got %v", err)
	}
	c, err := Load([]string{"DUNGHAN_OIDC_ISSUER=https://sso.example", "DUNGHAN_OIDC_CLIENT_ID=dunghan", "DUNGHAN_OIDC_REDIRECT_URL=https://d.example/dang-nhap/sso/callback"})
	if err != nil || c.OIDC.ClientID != "dunghan" {
		t.Fatalf("%+v %v", c.OIDC, err)
	}
	if _, err := Load([]string{"DUNGHAN_OIDC_REDIRECT_URL=https://d.example/cb"}); err == nil {
		t.Fatal("a redirect URL off the callback path must be refused")
	}
}

func TestNotifySettings(t *testing.T) {
	c, err := Load([]string{"DUNGHAN_SMTP_HOST=mail.sogd.example.gov.vn", "DUNGHAN_SMTP_PORT=465", "DUNGHAN_SMTP_TLS=tls",
		"DUNGHAN_SMTP_USERNAME=dunghan", "DUNGHAN_SMTP_PASSWORD=p@ss", "DUNGHAN_SMTP_FROM=Sở GDĐT <dunghan@sogd.example.gov.vn>",
		"DUNGHAN_WEBHOOK_URL=https://sms.example/hook", "DUNGHAN_WEBHOOK_SECRET=0123456789abcdef", "DUNGHAN_WEBHOOK_TIMEOUT=5s",
		"DUNGHAN_OVERDUE_AT_ONCE=true", "DUNGHAN_WATCH_INTERVAL=30s", "DUNGHAN_OUTBOX_INTERVAL=10s", "DUNGHAN_OUTBOX_MAX_ATTEMPTS=5",
		"DUNGHAN_PUBLIC_URL=https://dunghan.example/"})
	if err != nil {
		t.Fatal(err)
	}
	want := Notify{SMTP: SMTP{Host: "mail.sogd.example.gov.vn", Port: 465, Username: "dunghan", Password: "p@ss", From: "Sở GDĐT <dunghan@sogd.example.gov.vn>", TLS: "tls"},
		Webhook: Webhook{URL: "https://sms.example/hook", Secret: "0123456789abcdef", Timeout: 5 * time.Second}, OverdueAtOnce: true,
		WatchInterval: 30 * time.Second, OutboxInterval: 10 * time.Second, MaxAttempts: 5, PublicURL: "https://dunghan.example"}
	if c.Notify != want {
		t.Fatalf("got %+v\nwant %+v", c.Notify, want)
	}
}

func TestBadNotifySettings(t *testing.T) {
	_, err := Load([]string{"DUNGHAN_SMTP_HOST=mail.example:25", "DUNGHAN_SMTP_PORT=0", "DUNGHAN_SMTP_FROM=not an address",
		"DUNGHAN_SMTP_TLS=ssl", "DUNGHAN_WEBHOOK_URL=ftp://x", "DUNGHAN_WEBHOOK_TIMEOUT=1h", "DUNGHAN_OVERDUE_AT_ONCE=soon",
		"DUNGHAN_WATCH_INTERVAL=0s", "DUNGHAN_OUTBOX_INTERVAL=2h", "DUNGHAN_OUTBOX_MAX_ATTEMPTS=0", "DUNGHAN_PUBLIC_URL=dunghan"})
	if err == nil {
		t.Fatal("want errors")
	}
	for _, name := range []string{"SMTP_HOST=", "SMTP_PORT", "SMTP_FROM=", "SMTP_TLS", "WEBHOOK_URL", "WEBHOOK_TIMEOUT", "OVERDUE_AT_ONCE",
		"WATCH_INTERVAL", "OUTBOX_INTERVAL", "MAX_ATTEMPTS", "PUBLIC_URL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s:\n%s", name, err)
		}
	}
	// Settings that only make sense together; the secret is never echoed.
	_, err = Load([]string{"DUNGHAN_SMTP_HOST=mail.example", "DUNGHAN_SMTP_USERNAME=u", "DUNGHAN_SMTP_TLS=none",
		"DUNGHAN_WEBHOOK_URL=https://sms.example/hook", "DUNGHAN_WEBHOOK_SECRET=short-secret"})
	for _, want := range []string{"DUNGHAN_SMTP_FROM is required", "in clear", "at least 16"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "short-secret") {
		t.Errorf("the webhook secret is printed: %v", err)
	}
}
