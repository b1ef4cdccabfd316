package api

import (
	"reflect"
	"testing"
)

func TestModerationRisks(t *testing.T) {
	type r = ModerationRisk
	tests := []struct {
		name   string
		text   string
		ignore []string
		want   []ModerationRisk
	}{
		{"plain reply", "Olá! Seu pedido já foi enviado e chega na sexta.", nil, nil},
		{"bit.ly with scheme", "Veja https://bit.ly/3xYz para rastrear", nil, []r{{RiskShortLink, "https://bit.ly/3xYz"}}},
		{"tinyurl bare", "link: tinyurl.com/abc123.", nil, []r{{RiskShortLink, "tinyurl.com/abc123"}}},
		{"goo.gl", "mapa goo.gl/maps/xyz", nil, []r{{RiskShortLink, "goo.gl/maps/xyz"}}},
		{"t.co", "see t.co/AbC", nil, []r{{RiskShortLink, "t.co/AbC"}}},
		{"ow.ly is.gd buff.ly cutt.ly rebrand.ly", "ow.ly/a is.gd/b buff.ly/c cutt.ly/d rebrand.ly/e", nil,
			[]r{{RiskShortLink, "ow.ly/a"}, {RiskShortLink, "is.gd/b"}, {RiskShortLink, "buff.ly/c"}, {RiskShortLink, "cutt.ly/d"}, {RiskShortLink, "rebrand.ly/e"}}},
		{"not a shortener inside a longer host", "escreva para matt.com ou visite t.com", nil, nil},
		{"mercado libre's own link is fine", "https://www.mercadolivre.com.br/vendas/123/detalhe", nil, nil},
		{"instagram link", "segue https://instagram.com/loja", nil, []r{{RiskSocial, "https://instagram.com/loja"}}},
		{"wa.me", "fala comigo em wa.me/5511912345678", nil, []r{{RiskSocial, "wa.me/5511912345678"}}},
		{"t.me and x.com", "t.me/loja ou x.com/loja", nil, []r{{RiskSocial, "t.me/loja"}, {RiskSocial, "x.com/loja"}}},
		{"fedex.com is not x.com", "rastreio em fedex.com/track", nil, nil},
		{"network named", "me chama no WhatsApp", nil, []r{{RiskSocial, "WhatsApp"}}},
		{"tiktok and facebook words", "estamos no TikTok e no Facebook", nil, []r{{RiskSocial, "TikTok"}, {RiskSocial, "Facebook"}}},
		{"@handle", "nos siga @loja.aurora!", nil, []r{{RiskSocial, "@loja.aurora"}}},
		{"phone with country code", "ligue +55 11 91234-5678", nil, []r{{RiskPhone, "+55 11 91234-5678"}}},
		{"phone with parentheses", "tel (55) 1234-5678 hoje", nil, []r{{RiskPhone, "(55) 1234-5678"}}},
		{"unbroken mobile", "meu numero 11912345678", nil, []r{{RiskPhone, "11912345678"}}},
		{"order id is not a phone", "pedido 2000004512345671", nil, nil},
		{"known shipping id is not a phone", "envio 40000000001", []string{"40000000001"}, nil},
		{"the sale's ids however written", "pedidos 4512345671, 4512345672 - 2 unidades; envio (43210987651)", []string{"2000004512345671", "43210987651", "4512345671", "4512345672"}, nil},
		{"a phone beside a sale id", "pedido 4512345671 11 91234-5678", []string{"4512345671"}, []r{{RiskPhone, "11 91234-5678"}}},
		{"a sale id inside a longer number is not the id", "tel +55 1145123456710", []string{"4512345671"}, []r{{RiskPhone, "+55 1145123456710"}}},
		{"date is not a phone", "chega 2026-11-27 ou 27/11/2026", nil, nil},
		{"postal code is not a phone", "CEP 01310-100", nil, nil},
		{"short numbers", "são 3 unidades por R$ 1.299,90", nil, nil},
		{"e-mail", "escreva para vendas@loja.com.br", nil, []r{{RiskEmail, "vendas@loja.com.br"}}},
		{"e-mail is not a handle", "a@b.io", nil, []r{{RiskEmail, "a@b.io"}}},
		{"repeated once", "bit.ly/x e bit.ly/x", nil, []r{{RiskShortLink, "bit.ly/x"}}},
		{"everything", "bit.ly/a, insta @loja, +52 55 1234 5678, x@y.mx", nil,
			[]r{{RiskShortLink, "bit.ly/a"}, {RiskSocial, "insta"}, {RiskSocial, "@loja"}, {RiskPhone, "+52 55 1234 5678"}, {RiskEmail, "x@y.mx"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ModerationRisks(tt.text, tt.ignore...)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ModerationRisks(%q)\n got %v\nwant %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestRiskWords(t *testing.T) {
	got := RiskWords([]ModerationRisk{{RiskShortLink, "bit.ly/x"}, {RiskPhone, "11 91234-5678"}, {RiskEmail, "a@b.io"}, {RiskSocial, "@x"}})
	want := "shortened link bit.ly/x, phone number 11 91234-5678, e-mail address a@b.io, social network @x"
	if got != want {
		t.Errorf("RiskWords = %q, want %q", got, want)
	}
}
