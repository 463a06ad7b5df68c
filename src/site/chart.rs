//! The charts pages draw: a chart's geometry as plain data, which the templates render as
//! inline SVG (escaping every label), so no script is needed to see one. Experiments,
//! post-mortems and health checks compute their own series into these types.

/// A chart's geometry: the template draws it as inline SVG, escaping every label.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: &'static str,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    /// Horizontal grid lines: y and label.
    pub grid: Vec<(f64, String)>,
    /// Quarter labels under the axis: x and label.
    pub labels: Vec<(f64, String)>,
    pub label_y: f64,
    pub lines: Vec<Line>,
    pub bars: Vec<Mark>,
}

/// A series: its path (`M x,y L x,y …`, broken where a quarter has no data) and points.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub class: &'static str,
    pub name: &'static str,
    pub path: String,
    pub points: Vec<Mark>,
}

/// A point (x, y) or a bar (x, y, width, height), with its tooltip.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub class: &'static str,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub tip: String,
}

/// `0.4167` → "42 %"; none → "–".
pub fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.0} %", v * 100.0))
        .unwrap_or_else(|| "–".into())
}
