//! The document's XMP metadata stream (the catalogue's `/Metadata`): title, author, subject,
//! creator tool, producer and dates, matching the information dictionary. Archival readers and
//! PDF/A look here rather than at the information dictionary. It also makes PDF/A's claim,
//! `pdfaid:part` 3 and `pdfaid:conformance` B (PDF/A-3b, ISO 19005-3; the rest of what that
//! takes is in `archive.rs`). Every property is one PDF/A predefines (Dublin Core, XMP basic,
//! Adobe PDF, PDF/A identification), so no extension schema is needed; a property outside
//! those (e.g. PDF/UA's `pdfuaid:part`) would need one in this packet.
//!
//! The packet is plain XML written from the options, so the same options give the same bytes
//! (no generated ids, no clock).

use lopdf::{Dictionary, Object, Stream};

use crate::PdfOptions;

/// `text` escaped for XML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot hold other control characters at all.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Whether the packet claims PDF/UA-1 (`pdfuaid:part` 1): the file is tagged (`tags.rs`).
/// The claim also declares the `pdfuaid` namespace in a PDF/A extension schema
/// ([`UA_CLAIM_XMP`]), which PDF/A requires for every property outside the schemas it
/// predefines.
pub(crate) const UA_CLAIM: bool = true;

/// PDF/UA's identification (`pdfuaid:part` 1) and the PDF/A extension schema that declares its
/// namespace (ISO 14289-1, 5; ISO 19005-3, 6.6.2.3), as veraPDF and pdfua expect them.
const UA_CLAIM_XMP: &str = concat!(
    "<rdf:Description rdf:about=\"\"",
    " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"",
    " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"",
    " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n",
    "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n",
    "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n",
    "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n",
    "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n",
    "<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n",
    "<pdfaProperty:name>part</pdfaProperty:name>\n",
    "<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n",
    "<pdfaProperty:category>internal</pdfaProperty:category>\n",
    "<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\n",
    "</rdf:li></rdf:Seq></pdfaSchema:property>\n",
    "</rdf:li></rdf:Bag></pdfaExtension:schemas>\n",
    "</rdf:Description>\n",
    "<rdf:Description rdf:about=\"\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n",
    "<pdfuaid:part>1</pdfuaid:part>\n",
    "</rdf:Description>\n",
);

/// The XMP packet for `o`.
pub(crate) fn packet(o: &PdfOptions) -> String {
    packet_with(o, UA_CLAIM)
}

/// The XMP packet for `o`, with the PDF/UA claim or without.
fn packet_with(o: &PdfOptions, ua: bool) -> String {
    let (y, m, d) = o.date;
    let date = format!(
        "{y:04}-{:02}-{:02}T00:00:00Z",
        m.clamp(1, 12),
        d.clamp(1, 31)
    );
    let lang = escape(if o.lang.is_empty() {
        "x-default"
    } else {
        &o.lang
    });
    let alt = |text: &str| {
        format!(
            "<rdf:Alt><rdf:li xml:lang=\"x-default\">{t}</rdf:li><rdf:li xml:lang=\"{lang}\">{t}</rdf:li></rdf:Alt>",
            t = escape(text)
        )
    };
    format!(
        concat!(
            "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n",
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n",
            "<rdf:Description rdf:about=\"\"",
            " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"",
            " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"",
            " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"",
            " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n",
            "<pdfaid:part>3</pdfaid:part>\n",
            "<pdfaid:conformance>B</pdfaid:conformance>\n",
            "<dc:format>application/pdf</dc:format>\n",
            "<dc:title>{title}</dc:title>\n",
            "<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n",
            "<dc:description>{subject}</dc:description>\n",
            "<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n",
            "<xmp:CreatorTool>{creator}</xmp:CreatorTool>\n",
            "<xmp:CreateDate>{date}</xmp:CreateDate>\n",
            "<xmp:ModifyDate>{date}</xmp:ModifyDate>\n",
            "<xmp:MetadataDate>{date}</xmp:MetadataDate>\n",
            "<pdf:Producer>{creator}</pdf:Producer>\n",
            "</rdf:Description>\n",
            "{ua}",
            "</rdf:RDF>\n",
            "</x:xmpmeta>\n",
            "<?xpacket end=\"w\"?>"
        ),
        title = alt(&o.title),
        author = escape(&o.author),
        subject = alt(&o.subject),
        lang = lang,
        creator = escape(&o.creator),
        date = date,
        ua = if ua { UA_CLAIM_XMP } else { "" },
    )
}

/// The metadata stream, uncompressed (so that tools without a PDF parser can find it).
pub(crate) fn stream(o: &PdfOptions) -> Stream {
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Metadata".to_vec()));
    dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let mut stream = Stream::new(dict, packet(o).into_bytes());
    stream.allows_compression = false;
    stream
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packet_matches_the_options_and_escapes_text() {
        let o = PdfOptions {
            title: "報告書 <A&B>".into(),
            author: "架空銀行".into(),
            subject: "FISC \"2012\"".into(),
            creator: "kansa 0.1.0".into(),
            lang: "ja".into(),
            date: (2026, 11, 25),
            ..PdfOptions::default()
        };
        let p = packet(&o);
        assert!(p.contains("<rdf:li xml:lang=\"x-default\">報告書 &lt;A&amp;B&gt;</rdf:li>"));
        assert!(p.contains("<rdf:li>架空銀行</rdf:li>"));
        assert!(p.contains("FISC &quot;2012&quot;"));
        assert!(p.contains("<xmp:CreateDate>2026-11-25T00:00:00Z</xmp:CreateDate>"));
        assert!(p.contains("<rdf:li xml:lang=\"ja\">"));
        assert!(p.contains("<pdfaid:part>3</pdfaid:part>"));
        assert!(p.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
        assert_eq!(p, packet(&o), "deterministic");
        assert_eq!(p.contains("pdfuaid"), UA_CLAIM);
        let ua = packet_with(&o, true);
        assert!(ua.contains("<pdfuaid:part>1</pdfuaid:part>"));
        assert!(ua.contains("<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"));
        assert!(
            ua.ends_with("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>")
        );
        assert!(!escape("a\u{1}b").contains('\u{1}'));
    }
}
