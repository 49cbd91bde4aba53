package duis_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/simulator/duis"
)

const srNS = `xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"`

// doc wraps inner markup into a small sr:Request-rooted document.
func doc(inner string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<sr:Request " + srNS + ` schemaVersion="5.4">` + inner + "</sr:Request>\n")
}

var _ = Describe("Check", func() {
	It("passes a well-formed request, with or without the XML declaration and a UTF-8 byte order mark", func() {
		Expect(duis.Check(goodRequest, duis.RootRequest, duis.Limits{})).To(Succeed())
		noDecl := bytes.TrimPrefix(goodRequest, []byte(`<?xml version="1.0" encoding="UTF-8"?>`))
		Expect(duis.Check(noDecl, duis.RootRequest, duis.Limits{})).To(Succeed())
		bom := append([]byte{0xEF, 0xBB, 0xBF}, goodRequest...)
		Expect(duis.Check(bom, duis.RootRequest, duis.Limits{})).To(Succeed())
		lower := bytes.Replace(goodRequest, []byte(`"UTF-8"`), []byte(`'utf-8' standalone="no"`), 1)
		Expect(duis.Check(lower, duis.RootRequest, duis.Limits{})).To(Succeed())
	})

	It("accepts the DUIS namespace as the default namespace and the five predefined entities and character references", func() {
		d := []byte(`<Request xmlns="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4"><x a="&quot;&apos;">&amp;&lt;&gt;&#65;&#x42;<![CDATA[<not markup>]]><!-- a comment --></x></Request>`)
		Expect(duis.Check(d, duis.RootRequest, duis.Limits{})).To(Succeed())
	})

	DescribeTable("refuses every DOCTYPE and markup declaration before reading the root",
		func(d string) {
			pe := parseError(duis.Check([]byte(d), duis.RootRequest, duis.Limits{}), duis.ErrDoctype)
			Expect(pe.Malformed()).To(BeTrue())
			Expect(pe.Path).To(BeEmpty(), "refused before the root element opened")
			Expect(pe.Error()).NotTo(ContainSubstring("EXPANDED"))
		},
		Entry("internal entity", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "EXPANDED">]><sr:Request `+srNS+`>&e;</sr:Request>`),
		Entry("billion laughs", `<!DOCTYPE r [<!ENTITY a "EXPANDED"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><sr:Request `+srNS+`>&d;&d;&d;&d;</sr:Request>`),
		Entry("external SYSTEM entity (XXE)", `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><sr:Request `+srNS+`>&xxe;</sr:Request>`),
		Entry("parameter entity", `<!DOCTYPE r [<!ENTITY % p SYSTEM "http://example.invalid/evil.dtd"> %p;]><sr:Request `+srNS+`/>`),
		Entry("external DTD", `<!DOCTYPE sr:Request SYSTEM "http://example.invalid/duis.dtd"><sr:Request `+srNS+`/>`),
		Entry("PUBLIC DTD", `<!DOCTYPE sr:Request PUBLIC "-//X//Y" "duis.dtd"><sr:Request `+srNS+`/>`),
		Entry("bare DOCTYPE", `<!DOCTYPE sr:Request><sr:Request `+srNS+`/>`),
		Entry("lower-case doctype", `<!doctype sr:Request><sr:Request `+srNS+`/>`),
		Entry("ENTITY without DOCTYPE", `<!ENTITY e "EXPANDED"><sr:Request `+srNS+`/>`),
	)

	It("refuses the DCC Boxed XXE sample without opening the file it names", func() {
		shared := requireShared()
		d, err := os.ReadFile(filepath.Join(shared, "reference/dccboxed-signing-tool/src/test/resources/duis-xxe.xml"))
		Expect(err).NotTo(HaveOccurred())
		for _, root := range []duis.Root{duis.RootResponse, duis.RootRequest} {
			pe := parseError(duis.Check(d, root, duis.Limits{}), duis.ErrDoctype)
			Expect(pe.Line).To(Equal(2))
			Expect(pe.Error()).NotTo(ContainSubstring("root:"))
		}
		_, err = duis.ParseRequest(d, duis.Limits{})
		parseError(err, duis.ErrDoctype)
	})

	It("never opens an external entity: a FIFO named by SYSTEM would block any reader, and Check returns at once", func() {
		dir := GinkgoT().TempDir()
		fifo := filepath.Join(dir, "xxe.fifo")
		Expect(syscall.Mkfifo(fifo, 0o600)).To(Succeed())
		secret := filepath.Join(dir, "secret.txt")
		Expect(os.WriteFile(secret, []byte("TOP-SECRET-CONTENT"), 0o600)).To(Succeed())
		for _, target := range []string{fifo, secret} {
			d := []byte(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://` + target + `">]>` +
				`<sr:Request ` + srNS + ` schemaVersion="5.4"><sr:Header>&xxe;</sr:Header></sr:Request>`)
			done := make(chan error, 1)
			go func() { done <- duis.Check(d, duis.RootRequest, duis.Limits{}) }()
			var err error
			Eventually(done, 2*time.Second).Should(Receive(&err))
			pe := parseError(err, duis.ErrDoctype)
			Expect(pe.Error()).NotTo(ContainSubstring("TOP-SECRET"))
		}
		// Nobody opened the FIFO for reading: opening it for writing without blocking fails with
		// ENXIO exactly when no reader has it open.
		_, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		Expect(err).To(MatchError(syscall.ENXIO))
	})

	DescribeTable("refuses entity references other than the predefined five",
		func(inner string) {
			pe := parseError(duis.Check(doc(inner), duis.RootRequest, duis.Limits{}), duis.ErrEntity)
			Expect(pe.Line).To(Equal(2))
		},
		Entry("undefined entity in text", `<x>&xxe;</x>`),
		Entry("HTML entity", `<x>&nbsp;</x>`),
		Entry("entity in an attribute", `<x a="&xxe;"/>`),
		Entry("entity without semicolon", `<x>&amp</x>`),
		Entry("character reference beyond Unicode", `<x>&#x110000;</x>`),
	)

	DescribeTable("refuses processing instructions other than the XML declaration",
		func(d string) {
			parseError(duis.Check([]byte(d), duis.RootRequest, duis.Limits{}), duis.ErrProcInst)
		},
		Entry("stylesheet before the root", `<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?><sr:Request `+srNS+`/>`),
		Entry("instruction inside the root", `<sr:Request `+srNS+`><?php echo 1; ?></sr:Request>`),
		Entry("instruction after the root", `<sr:Request `+srNS+`/><?pi x?>`),
		Entry("reserved XML target in another case", `<sr:Request `+srNS+`><?XML x?></sr:Request>`),
		Entry("second XML declaration", `<sr:Request `+srNS+`><?xml version="1.0"?></sr:Request>`),
		Entry("XML declaration after whitespace", ` <?xml version="1.0"?><sr:Request `+srNS+`/>`),
	)

	DescribeTable("refuses encodings other than UTF-8",
		func(d []byte, value string) {
			pe := parseError(duis.Check(d, duis.RootRequest, duis.Limits{}), duis.ErrEncoding)
			Expect(pe.Value).To(Equal(value))
		},
		Entry("Latin-1 declared", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><sr:Request `+srNS+`/>`), "ISO-8859-1"),
		Entry("UTF-16 declared", []byte(`<?xml version="1.0" encoding='UTF-16'?><sr:Request `+srNS+`/>`), "UTF-16"),
		Entry("ASCII declared", []byte(`<?xml version="1.0" encoding="US-ASCII"?><sr:Request `+srNS+`/>`), "US-ASCII"),
		Entry("UTF-16 byte order mark", append([]byte{0xFF, 0xFE}, `<`...), ""),
	)

	DescribeTable("refuses invalid UTF-8 and says where",
		func(d []byte, line int) {
			pe := parseError(duis.Check(d, duis.RootRequest, duis.Limits{}), duis.ErrInvalidUTF8)
			Expect(pe.Line).To(Equal(line))
			Expect(pe.Malformed()).To(BeTrue())
		},
		Entry("in text", doc("\n<x>caf\xe9</x>"), 3),
		Entry("in a comment", doc("<!-- \xff\xfe -->"), 2),
		Entry("in an attribute", doc(`<x a="`+"\xc3\x28"+`"/>`), 2),
		Entry("a truncated sequence at the end", append(doc(""), 0xE2, 0x82), 3),
		Entry("an encoded surrogate", doc("<x>\xed\xa0\x80</x>"), 2),
		Entry("an overlong encoding of <", []byte("\xc0\xbcsr:Request/>"), 1),
	)

	Describe("bounds", func() {
		// The namespace declaration is an attribute of 48 bytes, so the text bound is 64.
		small := duis.Limits{MaxBytes: 400, MaxDepth: 4, MaxElements: 6, MaxAttributes: 3, MaxTextBytes: 64}
		text64, text65 := strings.Repeat("t", 64), strings.Repeat("t", 65)

		It("passes a document exactly at every bound", func() {
			d := []byte(`<sr:Request ` + srNS + ` a="` + text64 + `" b="c"><a><b><c>` + text64 + `</c></b></a><d/><!--` + text64 + `--><e/></sr:Request>`)
			Expect(len(d)).To(BeNumerically("<=", 400))
			Expect(duis.Check(d, duis.RootRequest, small)).To(Succeed())
		})

		DescribeTable("trips each bound with its own reason",
			func(d []byte, reason error) {
				pe := parseError(duis.Check(d, duis.RootRequest, small), reason)
				Expect(pe.Malformed()).To(BeTrue())
				Expect(pe.Detail).NotTo(BeEmpty())
			},
			Entry("size", []byte(`<sr:Request `+srNS+`>`+strings.Repeat(" ", 400)+`</sr:Request>`), duis.ErrTooLarge),
			Entry("depth", []byte(`<sr:Request `+srNS+`><a><b><c><d/></c></b></a></sr:Request>`), duis.ErrTooDeep),
			Entry("element count", []byte(`<sr:Request `+srNS+`><a/><b/><c/><d/><e/><f/></sr:Request>`), duis.ErrTooManyElements),
			Entry("attributes on one element", []byte(`<sr:Request `+srNS+` a="1" b="2" c="3"/>`), duis.ErrTooManyAttributes),
			Entry("a text node", []byte(`<sr:Request `+srNS+`><a>`+text65+`</a></sr:Request>`), duis.ErrTextTooLong),
			Entry("text split by CDATA, comments and child elements", []byte(`<sr:Request `+srNS+`><a>`+text64[:20]+`<![CDATA[`+text64[:20]+`]]>`+text64[:20]+`<!---->x<b/>`+text64[:4]+`</a></sr:Request>`), duis.ErrTextTooLong),
			Entry("an attribute value", []byte(`<sr:Request `+srNS+` a="`+text65+`"/>`), duis.ErrTextTooLong),
			Entry("a namespace declaration", []byte(`<sr:Request `+srNS+` xmlns:x="urn:`+text64+`"/>`), duis.ErrTextTooLong),
			Entry("a comment", []byte(`<sr:Request `+srNS+`><!--`+text65+`--></sr:Request>`), duis.ErrTextTooLong),
		)

		It("keeps DefaultLimits for fields left zero", func() {
			d := []byte(`<sr:Request ` + srNS + `>` + strings.Repeat("<a>", 33) + strings.Repeat("</a>", 33) + `</sr:Request>`)
			parseError(duis.Check(d, duis.RootRequest, duis.Limits{MaxBytes: 1 << 20}), duis.ErrTooDeep)
			Expect(duis.DefaultLimits.MaxBytes).To(BeNumerically(">=", 10240000*4/3+4096), "room for the largest Update Firmware image")
		})
	})

	DescribeTable("refuses the wrong root",
		func(d string, root duis.Root) {
			pe := parseError(duis.Check([]byte(d), root, duis.Limits{}), duis.ErrRoot)
			Expect(pe.Malformed()).To(BeTrue())
		},
		Entry("no namespace", `<Request schemaVersion="5.4"/>`, duis.RootRequest),
		Entry("another namespace with the sr prefix", `<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ResponseAndAlert"/>`, duis.RootRequest),
		Entry("a near-miss namespace", `<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway/"/>`, duis.RootRequest),
		Entry("a response where a request is expected", `<sr:Response `+srNS+`/>`, duis.RootRequest),
		Entry("a request where a response is expected", `<sr:Request `+srNS+`/>`, duis.RootResponse),
		Entry("an SMETS1 response where an S1SP alert is expected", `<sr:SMETS1SignedResponse `+srNS+`/>`, duis.RootS1SPAlert),
		Entry("an XMLDSig element", `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>`, duis.RootRequest),
	)

	DescribeTable("refuses namespace errors",
		func(d string) {
			parseError(duis.Check([]byte(d), duis.RootRequest, duis.Limits{}), duis.ErrNamespace)
		},
		Entry("undeclared element prefix", `<sr:Request `+srNS+`><x:a/></sr:Request>`),
		Entry("undeclared attribute prefix", `<sr:Request `+srNS+` x:a="1"/>`),
		Entry("undeclared root prefix", `<sr:Request/>`),
		Entry("prefix bound to the empty namespace", `<sr:Request `+srNS+` xmlns:x=""/>`),
		Entry("xml prefix rebound", `<sr:Request `+srNS+` xmlns:xml="urn:x"/>`),
		Entry("xmlns prefix declared", `<sr:Request `+srNS+` xmlns:xmlns="urn:x"/>`),
		Entry("a name with an empty prefix", `<sr:Request `+srNS+`><:a/></sr:Request>`),
	)

	DescribeTable("refuses what is not well-formed XML",
		func(d string) {
			pe := parseError(duis.Check([]byte(d), duis.RootRequest, duis.Limits{}), duis.ErrSyntax)
			Expect(pe.Malformed()).To(BeTrue())
		},
		Entry("empty", ``),
		Entry("only whitespace and a comment", " \n<!-- -->\n"),
		Entry("not XML", `{"RequestID": 1}`),
		Entry("unclosed root", `<sr:Request `+srNS+`><a>`),
		Entry("mismatched tags", `<sr:Request `+srNS+`><a></b></sr:Request>`),
		Entry("end tag with another prefix for the same namespace", `<sr:Request `+srNS+` xmlns:s2="http://www.dccinterface.co.uk/ServiceUserGateway"><sr:a></s2:a></sr:Request>`),
		Entry("text after the root", `<sr:Request `+srNS+`/>junk`),
		Entry("a second root", `<sr:Request `+srNS+`/><sr:Request `+srNS+`/>`),
		Entry("duplicate attribute", `<sr:Request `+srNS+` a="1" a="2"/>`),
		Entry("duplicate attribute through two prefixes", `<sr:Request `+srNS+` xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/>`),
		Entry("control character", "<sr:Request "+srNS+"><a>\x01</a></sr:Request>"),
		Entry("control character in a comment", "<sr:Request "+srNS+"><!--\x01--></sr:Request>"),
		Entry("character reference to NUL", `<sr:Request `+srNS+`><a>&#0;</a></sr:Request>`),
		Entry("character reference to a surrogate", `<sr:Request `+srNS+`><a>&#xD800;</a></sr:Request>`),
		Entry("character reference to U+FFFE in an attribute", `<sr:Request `+srNS+` a="&#65534;"/>`),
		Entry("unescaped ampersand", `<sr:Request `+srNS+`><a>a & b</a></sr:Request>`),
		Entry("unquoted attribute", `<sr:Request `+srNS+` a=1/>`),
		Entry("attributes without whitespace between them", `<sr:Request `+srNS+` a="1"b='2'/>`),
		Entry("XML 1.1", `<?xml version="1.1"?><sr:Request `+srNS+`/>`),
		Entry("declaration without version", `<?xml encoding="UTF-8"?><sr:Request `+srNS+`/>`),
		Entry("bad standalone", `<?xml version="1.0" standalone="maybe"?><sr:Request `+srNS+`/>`),
	)

	It("reports the line and column of a fault", func() {
		d := []byte("<sr:Request " + srNS + ">\n  <a>\n    <b></c>\n  </a>\n</sr:Request>")
		pe := parseError(duis.Check(d, duis.RootRequest, duis.Limits{}), duis.ErrSyntax)
		Expect(pe.Line).To(Equal(3))
		Expect(pe.Column).To(Equal(8), "where </c> starts")
		Expect(pe.Path).To(Equal("Request/a/b"))
		Expect(pe.Error()).To(ContainSubstring("line 3 column 8 in Request/a/b"))
	})
})
