//! Official letters as PDF: the same frozen [`LetterContent`] the A4 page shows, typeset on A4
//! in the same order — number and date, addressee, sender, title, body, particulars, 教示 — with
//! the Japanese font embedded as a subset of the glyphs used (krilla), so the text can be copied,
//! searched and read aloud. The font is a file on the server (`MADOGUCHI_LETTER_FONT`, else
//! Debian's fonts-noto-cjk), read once.

pub mod layout;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::domain::letters::LetterContent;

/// Where Debian (fonts-noto-cjk), Fedora and Arch put a Japanese sans-serif font, tried in turn
/// when `MADOGUCHI_LETTER_FONT` is not set.
pub const DEFAULT_FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
];

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No font file where it was looked for.
    #[error("no Japanese font for letters (looked at {})", .0.join(", "))]
    NoFont(Vec<String>),
    /// The file is there but is not a font with Japanese glyphs.
    #[error("{0} is not a usable Japanese font")]
    BadFont(String),
    #[error("the PDF could not be written: {0}")]
    Render(String),
}

/// The font letters are set in, read once.
pub struct LetterFont {
    data: Arc<Vec<u8>>,
    index: u32,
    font: Font,
}

impl LetterFont {
    /// Reads the configured font, or the first of [`DEFAULT_FONT_PATHS`] that exists.
    pub fn locate(configured: Option<&Path>) -> Result<LetterFont, PdfError> {
        let candidates: Vec<PathBuf> = match configured {
            Some(path) => vec![path.to_path_buf()],
            None => DEFAULT_FONT_PATHS.iter().map(PathBuf::from).collect(),
        };
        let found = candidates.iter().find(|p| p.is_file());
        let Some(path) = found else {
            return Err(PdfError::NoFont(
                candidates.iter().map(|p| p.display().to_string()).collect(),
            ));
        };
        let data =
            std::fs::read(path).map_err(|_| PdfError::BadFont(path.display().to_string()))?;
        LetterFont::from_bytes(data).ok_or_else(|| PdfError::BadFont(path.display().to_string()))
    }

    /// A font from its file's bytes: of a collection (.ttc), the Japanese face (its family name
    /// says JP), else the first; None when no face has the glyphs of 「開示」.
    pub fn from_bytes(data: Vec<u8>) -> Option<LetterFont> {
        let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        let japanese = |index: u32| {
            let face = ttf_parser::Face::parse(&data, index).ok()?;
            let named_jp = face.names().into_iter().any(|n| {
                n.name_id == ttf_parser::name_id::FAMILY
                    && n.to_string().is_some_and(|name| name.contains("JP"))
            });
            let has_glyphs = face.glyph_index('開').is_some() && face.glyph_index('示').is_some();
            has_glyphs.then_some(named_jp)
        };
        let index = (0..faces)
            .find(|i| japanese(*i) == Some(true))
            .or_else(|| (0..faces).find(|i| japanese(*i).is_some()))?;
        let data = Arc::new(data);
        let font = Font::new(data.clone().into(), index)?;
        Some(LetterFont { data, index, font })
    }
}

/// A4 in points, and the margins and type sizes of a letter.
const PAGE: (f32, f32) = (595.28, 841.89);
const MARGIN_X: f32 = 70.0;
const MARGIN_TOP: f32 = 64.0;
const MARGIN_BOTTOM: f32 = 64.0;
const BODY: f32 = 10.5;
const TITLE: f32 = 14.0;
const LEADING: f32 = 1.75;

/// How text is placed on a line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
    Centre,
}

/// Lays lines down the pages, starting a new page when one is full.
struct Typesetter<'a> {
    font: &'a LetterFont,
    face: ttf_parser::Face<'a>,
    pages: Vec<Vec<(Point, f32, String)>>,
    y: f32,
}

impl Typesetter<'_> {
    fn advance(&self, c: char, size: f32) -> f32 {
        let units = self
            .face
            .glyph_index(c)
            .and_then(|g| self.face.glyph_hor_advance(g))
            .unwrap_or(self.face.units_per_em());
        f32::from(units) * size / f32::from(self.face.units_per_em())
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }

    /// `text` wrapped to the text width (indented by `indent`), at `size`, aligned.
    fn paragraph(&mut self, text: &str, size: f32, align: Align, indent: f32) {
        let measure = PAGE.0 - 2.0 * MARGIN_X - indent;
        for line in layout::wrap(text, measure, |c| self.advance(c, size)) {
            let line_height = size * LEADING;
            if self.y + line_height > PAGE.1 - MARGIN_BOTTOM {
                self.pages.push(Vec::new());
                self.y = MARGIN_TOP;
            }
            self.y += line_height;
            let x = match align {
                Align::Left => MARGIN_X + indent,
                Align::Right => PAGE.0 - MARGIN_X - self.width(&line, size),
                Align::Centre => (PAGE.0 - self.width(&line, size)) / 2.0,
            };
            if !line.is_empty()
                && let Some(page) = self.pages.last_mut()
            {
                page.push((Point::from_xy(x, self.y), size, line));
            }
        }
    }

    fn gap(&mut self, lines: f32) {
        self.y += BODY * LEADING * lines;
    }
}

/// The glyphs of `text`, one a character, each advancing by the font's own width: Japanese
/// needs no shaping, and the kerning a shaper would add to Latin text is not missed in a
/// letter. Each glyph keeps its character's place in the text, from which the PDF's ToUnicode
/// map is made (the text copies and searches as typed).
fn glyphs(face: &ttf_parser::Face<'_>, text: &str) -> Vec<KrillaGlyph> {
    let em = f32::from(face.units_per_em());
    text.char_indices()
        .map(|(at, c)| {
            let id = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
            let advance = face.glyph_hor_advance(id).unwrap_or(face.units_per_em());
            KrillaGlyph {
                glyph_id: GlyphId::new(u32::from(id.0)),
                text_range: at..at + c.len_utf8(),
                x_advance: f32::from(advance) / em,
                x_offset: 0.0,
                y_offset: 0.0,
                y_advance: 0.0,
                location: None,
            }
        })
        .collect()
}

fn draw(
    surface: &mut Surface<'_>,
    (font, face): (&Font, &ttf_parser::Face<'_>),
    lines: &[(Point, f32, String)],
) {
    for (at, size, text) in lines {
        surface.draw_glyphs(*at, &glyphs(face, text), font.clone(), text, *size, false);
    }
}

/// The letter as a PDF of one or more A4 pages.
pub fn render(letter: &LetterContent, font: &LetterFont) -> Result<Vec<u8>, PdfError> {
    let face = ttf_parser::Face::parse(&font.data, font.index)
        .map_err(|e| PdfError::Render(e.to_string()))?;
    let mut t = Typesetter {
        font,
        face,
        pages: vec![Vec::new()],
        y: MARGIN_TOP,
    };
    t.paragraph(
        &format!("{}\n{}", letter.number, letter.date),
        BODY,
        Align::Right,
        0.0,
    );
    t.gap(1.0);
    t.paragraph(&letter.addressee, BODY, Align::Left, 0.0);
    t.gap(1.0);
    let mut sender = letter.sender.join("\n");
    if let Some(seal) = &letter.seal_note {
        sender.push('\n');
        sender.push_str(seal);
    }
    t.paragraph(&sender, BODY, Align::Right, 0.0);
    t.gap(1.5);
    t.paragraph(&letter.title, TITLE, Align::Centre, 0.0);
    t.gap(1.0);
    t.paragraph(&letter.body, BODY, Align::Left, 0.0);
    if !letter.particulars.is_empty() {
        t.gap(0.5);
        for item in &letter.particulars {
            t.gap(0.25);
            t.paragraph(&item.label, BODY, Align::Left, 0.0);
            t.paragraph(&item.value, BODY, Align::Left, BODY * 2.0);
        }
    }
    if let Some(remedy) = &letter.remedy {
        t.gap(1.0);
        t.paragraph(remedy, BODY, Align::Left, 0.0);
    }
    if let Some(note) = &letter.authoritative_note {
        t.gap(1.0);
        t.paragraph(note, BODY * 0.9, Align::Left, 0.0);
    }

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(letter.title.clone())
            .language(letter.lang.clone()),
    );
    let settings = || {
        PageSettings::from_wh(PAGE.0, PAGE.1)
            .ok_or_else(|| PdfError::Render("page size refused".into()))
    };
    for lines in &t.pages {
        let mut page = document.start_page_with(settings()?);
        let mut surface = page.surface();
        draw(&mut surface, (&t.font.font, &t.face), lines);
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Render(format!("{e:?}")))
}
