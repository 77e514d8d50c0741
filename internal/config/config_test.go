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
	want := Config{DatabaseURL: "sqlite:./data/dunghan.db", Addr: "127.0.0.1:8080", Demo: true, LogLevel: slog.LevelInfo, ShutdownTimeout: 10 * time.Second, OIDC: OIDC{UsernameClaim: "preferred_username"}}
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
