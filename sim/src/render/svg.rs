//! Hand-written SVG timelines: one lane per certificate role and scope (each issued
//! certificate a bar from notBefore to its replacement, its unused validity faint, time
//! spent in use after notAfter red), a downtime lane, action markers, year ticks and a
//! "now" line.

use std::fmt::Write;

use akscert_core::engine::{ActionRecord, DowntimeInterval};
use akscert_core::time::Instant;

use super::esc;
use akscert_core::report::lifetimes::CertificateSpan;

const WIDTH: f64 = 960.0;
const LABEL: f64 = 250.0;
const LANE: f64 = 18.0;
const TOP: f64 = 22.0;
/// Height of the row under the lanes that holds the "now" label.
const FOOTER: f64 = 14.0;

/// What a timeline shows.
pub struct Timeline<'a> {
    /// Left edge.
    pub from: Instant,
    /// Right edge.
    pub to: Instant,
    /// Certificate lifetimes, grouped by lane (role and scope, in order).
    pub certs: &'a [CertificateSpan],
    /// Downtime.
    pub downtime: &'a [DowntimeInterval],
    /// Actions (raised → due).
    pub actions: &'a [ActionRecord],
    /// The "now" line, if inside.
    pub now: Option<Instant>,
}

struct Scale {
    from: i64,
    span: f64,
}

impl Scale {
    fn x(&self, t: Instant) -> f64 {
        let f = (t.unix() - self.from) as f64 / self.span;
        LABEL + f.clamp(0.0, 1.0) * (WIDTH - LABEL - 10.0)
    }
}

/// The SVG element.
pub fn timeline(t: &Timeline<'_>) -> String {
    let scale = Scale {
        from: t.from.unix(),
        span: (t.to.unix() - t.from.unix()).max(1) as f64,
    };
    let mut lanes: Vec<String> = Vec::new();
    for c in t.certs {
        let name = format!("{} · {}", c.role, c.scope);
        if lanes.last() != Some(&name) {
            lanes.push(name);
        }
    }
    let downtime_lane = lanes.len();
    let action_lane = downtime_lane + 1;
    // A footer row below the lanes holds the "now" label, clear of the year labels on top.
    let height = TOP + (action_lane + 1) as f64 * LANE + 8.0 + FOOTER;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img">"#
    );
    ticks(&mut s, t, &scale, height);
    let y = |lane: usize| TOP + lane as f64 * LANE;
    for (i, name) in lanes.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="4" y="{:.1}" class="lane">{}</text>"#,
            y(i) + 12.0,
            esc(name)
        );
    }
    let mut lane = 0usize;
    let mut last = String::new();
    for c in t.certs {
        let name = format!("{} · {}", c.role, c.scope);
        if name != last {
            lane = lanes.iter().position(|l| *l == name).unwrap_or(0);
            last = name;
        }
        cert_bar(&mut s, c, &scale, y(lane));
    }
    let _ = write!(
        s,
        r#"<text x="4" y="{:.1}" class="lane">downtime</text><text x="4" y="{:.1}" class="lane">actions</text>"#,
        y(downtime_lane) + 12.0,
        y(action_lane) + 12.0
    );
    for d in t.downtime {
        let x1 = scale.x(d.from);
        let x2 = scale.x(d.to.unwrap_or(t.to)).max(x1 + 2.0);
        let _ = write!(
            s,
            r#"<rect x="{x1:.1}" y="{:.1}" width="{:.1}" height="12" class="down"><title>{} down {} → {}</title></rect>"#,
            y(downtime_lane) + 2.0,
            x2 - x1,
            esc(&d.scope.to_string()),
            d.from,
            d.to.map_or("horizon".into(), |t| t.to_string())
        );
    }
    for a in t.actions {
        let x1 = scale.x(a.raised);
        let x2 = scale.x(a.resolved.unwrap_or(a.due.max(t.to))).max(x1 + 2.0);
        let xd = scale.x(a.due);
        let yy = y(action_lane);
        let class = if a.resolved.is_some() {
            "act done"
        } else {
            "act open"
        };
        let _ = write!(
            s,
            r#"<g class="{class}"><title>{}: due {}{}</title><line x1="{x1:.1}" y1="{:.1}" x2="{x2:.1}" y2="{:.1}"/><path d="M{xd:.1} {:.1} l5 9 h-10 z"/></g>"#,
            esc(&a.reason),
            a.due.date_string(),
            a.resolved
                .map(|r| format!(", resolved {}", r.date_string()))
                .unwrap_or_default(),
            yy + 8.0,
            yy + 8.0,
            yy + 2.0
        );
    }
    if let Some(now) = t.now.filter(|n| *n >= t.from && *n <= t.to) {
        let x = scale.x(now);
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="14" x2="{x:.1}" y2="{:.1}" class="now"/><text x="{:.1}" y="{:.1}" class="now">now</text>"#,
            height - FOOTER,
            x - 10.0,
            height - 3.0
        );
    }
    s.push_str("</svg>");
    s
}

fn ticks(s: &mut String, t: &Timeline<'_>, scale: &Scale, height: f64) {
    let (y0, y1) = (year(t.from), year(t.to));
    let step = ((y1 - y0) / 12).max(1);
    let mut yr = y0 + 1;
    while yr <= y1 {
        if let Ok(at) = Instant::from_date(yr as i16, 1, 1) {
            let x = scale.x(at);
            let _ = write!(
                s,
                r#"<line x1="{x:.1}" y1="14" x2="{x:.1}" y2="{:.1}" class="tick"/><text x="{:.1}" y="11" class="tick">{yr}</text>"#,
                height - FOOTER,
                x - 12.0
            );
        }
        yr += step;
    }
}

fn year(t: Instant) -> i32 {
    t.date_string()
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(1970)
}

fn cert_bar(s: &mut String, c: &CertificateSpan, scale: &Scale, y: f64) {
    let x1 = scale.x(c.not_before);
    let used_to = c.until;
    let title = format!(
        "{} {}: {} → {}{}",
        c.role,
        c.scope,
        c.not_before,
        c.not_after.map_or("no expiry".into(), |t| t.to_string()),
        c.serial
            .map(|n| format!(" (serial {n})"))
            .unwrap_or_default()
    );
    let _ = write!(s, "<g><title>{}</title>", esc(&title));
    match c.not_after {
        Some(na) => {
            let x_used = scale.x(used_to.min(na)).max(x1 + 1.0);
            let _ = write!(
                s,
                r#"<rect x="{x1:.1}" y="{:.1}" width="{:.1}" height="10" class="cert"/>"#,
                y + 3.0,
                x_used - x1
            );
            if na > used_to {
                let x_na = scale.x(na);
                let _ = write!(
                    s,
                    r#"<rect x="{x_used:.1}" y="{:.1}" width="{:.1}" height="6" class="spare"/>"#,
                    y + 5.0,
                    (x_na - x_used).max(0.0)
                );
            } else if used_to > na {
                let x_end = scale.x(used_to);
                let _ = write!(
                    s,
                    r#"<rect x="{x_used:.1}" y="{:.1}" width="{:.1}" height="10" class="expired"/>"#,
                    y + 3.0,
                    (x_end - x_used).max(1.0)
                );
            }
        }
        None => {
            let x2 = scale.x(used_to).max(x1 + 1.0);
            let _ = write!(
                s,
                r#"<rect x="{x1:.1}" y="{:.1}" width="{:.1}" height="10" class="key"/>"#,
                y + 3.0,
                x2 - x1
            );
        }
    }
    s.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `y` of every `<text class="CLASS">`.
    fn text_rows(svg: &str, class: &str) -> Vec<f64> {
        svg.split("<text ")
            .skip(1)
            .filter_map(|t| t.split('>').next())
            .filter(|t| t.contains(&format!("class=\"{class}\"")))
            .filter_map(|t| t.split("y=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn the_now_label_is_clear_of_the_year_labels() {
        let (Ok(from), Ok(to), Ok(now)) = (
            Instant::parse("2020-01-01"),
            Instant::parse("2030-01-01"),
            // On a year tick: the labels would sit on top of each other in one row.
            Instant::parse("2025-01-01"),
        ) else {
            panic!("test dates")
        };
        let svg = timeline(&Timeline {
            from,
            to,
            certs: &[],
            downtime: &[],
            actions: &[],
            now: Some(now),
        });
        let ticks = text_rows(&svg, "tick");
        let nows = text_rows(&svg, "now");
        assert!(!ticks.is_empty() && nows.len() == 1, "{svg}");
        // 10px text: rows at least a line apart do not overlap.
        for t in ticks {
            assert!(
                (nows[0] - t).abs() >= 12.0,
                "now at y={} vs tick at y={t}",
                nows[0]
            );
        }
    }
}
