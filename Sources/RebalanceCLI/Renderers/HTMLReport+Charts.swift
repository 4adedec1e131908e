import Foundation
import Rebalancing

/// Inline SVG charts: donuts of an allocation and a line plot of tax against drift.
extension HTMLReport {
    /// Colours that stay distinguishable side by side; a symbol keeps its colour on the whole page.
    static let palette = [
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948", "#9c755f", "#ff9da7",
        "#5f4b8b",
    ]
    static let cashColor = "#b8bec6"

    /// The colour of symbol `index` (of `household.symbols`); cash when nil.
    static func color(symbol index: Int?) -> String {
        guard let index else { return cashColor }
        if index < palette.count { return palette[index] }
        let hue = (index * 137) % 360  // golden angle: well spread hues beyond the palette
        return "hsl(\(hue), 55%, 48%)"
    }

    /// SVG numbers: two decimals, no exponent.
    static func n(_ x: Double) -> String { Money.fixed(x, places: 2) }

    /// The point at radius `r` and `turn` (0 at the top, clockwise, 1 a full circle).
    static func polar(cx: Double, cy: Double, r: Double, turn: Double) -> (Double, Double) {
        let angle = 2 * Double.pi * turn
        return (cx + r * sin(angle), cy - r * cos(angle))
    }

    /// The path of a ring segment between two turns; a full ring is drawn as two halves.
    static func ringSegment(cx: Double, cy: Double, outer: Double, inner: Double, from a: Double, to b: Double)
        -> String
    {
        if b - a > 0.9999 {
            return ringSegment(cx: cx, cy: cy, outer: outer, inner: inner, from: a, to: a + 0.5) + " "
                + ringSegment(cx: cx, cy: cy, outer: outer, inner: inner, from: a + 0.5, to: b)
        }
        let large = b - a > 0.5 ? 1 : 0
        let (ox0, oy0) = polar(cx: cx, cy: cy, r: outer, turn: a)
        let (ox1, oy1) = polar(cx: cx, cy: cy, r: outer, turn: b)
        let (ix1, iy1) = polar(cx: cx, cy: cy, r: inner, turn: b)
        let (ix0, iy0) = polar(cx: cx, cy: cy, r: inner, turn: a)
        return "M\(n(ox0)) \(n(oy0)) A\(n(outer)) \(n(outer)) 0 \(large) 1 \(n(ox1)) \(n(oy1)) "
            + "L\(n(ix1)) \(n(iy1)) A\(n(inner)) \(n(inner)) 0 \(large) 0 \(n(ix0)) \(n(iy0)) Z"
    }

    static func centeredText(_ text: String, x: Double, y: Double, className: String) -> String {
        element("text", [("x", n(x)), ("y", n(y)), ("text-anchor", "middle"), ("class", className)], escape(text))
    }

    /// Sub-pies (the inner rings of a nested pie): dark and mid greys, so they never pass for a
    /// symbol (cash is the light grey); neighbours in pie order alternate dark and light.
    static let subPiePalette = ["#3d4451", "#7b8391", "#262b33", "#626a78", "#4f5764", "#8f97a4"]

    // MARK: Nested donut

    /// A segment of a nested donut: from `level` (1 the innermost ring) outward over `rings` rings
    /// (a leaf above the deepest level fills the rings outside it), between two turns.
    struct Arc {
        let level: Int
        let rings: Int
        let from: Double
        let to: Double
        let color: String
        /// Shown on hover.
        let tooltip: String
    }

    /// A donut of `levels` rings, the innermost level 1, with two lines of text in the hole.
    /// Each path carries the class `level-N`; level-1 segments of 6% or more show their share.
    static func svgNestedPie(arcs: [Arc], levels: Int, title: String, subtitle: String, size: Double = 240)
        -> String
    {
        let c = size / 2
        let hole = c - 64, outer = c - 6
        let width = (outer - hole) / Double(max(levels, 1))
        func radius(_ level: Int) -> Double { hole + Double(level - 1) * width }
        var parts: [String] = [], labels: [String] = []
        for arc in arcs where arc.to - arc.from > 1e-9 {
            let inner = radius(arc.level), outer = radius(arc.level + arc.rings)
            let path = ringSegment(cx: c, cy: c, outer: outer, inner: inner, from: arc.from, to: arc.to)
            parts.append(
                element(
                    "path",
                    [
                        ("d", path), ("fill", arc.color), ("stroke", "#fff"), ("stroke-width", "1.5"),
                        ("class", "level-\(arc.level)"),
                    ], element("title", [], escape(arc.tooltip))))
            if arc.level == 1 && arc.to - arc.from >= 0.06 {
                let (x, y) = polar(cx: c, cy: c, r: (inner + radius(2)) / 2, turn: (arc.from + arc.to) / 2)
                labels.append(
                    centeredText(Money.percent(arc.to - arc.from, places: 0), x: x, y: y + 4, className: "slice-label"))
            }
        }
        // Labels last, so no later segment covers one that is wider than its ring.
        parts += labels
        if !arcs.contains(where: { $0.to - $0.from > 1e-9 }) {
            parts.append(
                emptyElement(
                    "circle",
                    [
                        ("cx", n(c)), ("cy", n(c)), ("r", n((outer + hole) / 2)), ("fill", "none"),
                        ("stroke", "#e5e7eb"), ("stroke-width", n(outer - hole)),
                    ]))
        }
        parts.append(centeredText(title, x: c, y: c - 2, className: "pie-title"))
        parts.append(centeredText(subtitle, x: c, y: c + 16, className: "pie-sub"))
        return element(
            "svg",
            [
                ("viewBox", "0 0 \(n(size)) \(n(size))"), ("width", n(size)), ("height", n(size)), ("role", "img"),
                ("aria-label", "\(title): \(subtitle)"),
            ], parts.joined(separator: "\n"))
    }

    // MARK: Line plot

    struct PlotPoint {
        let x: Double
        let y: Double
        let tooltip: String
    }

    /// A horizontal dashed line with a label (e.g. the drift before any trade).
    struct Reference {
        let y: Double
        let label: String
    }

    /// A line through `points` (in the given order) with markers, gridlines, ticks and axis labels.
    /// `xTick` and `yTick` format a tick value given the step between ticks.
    static func svgLinePlot(
        points: [PlotPoint], xLabel: String, yLabel: String, reference: Reference? = nil,
        xTick: (Double, Double) -> String, yTick: (Double, Double) -> String,
        xMinimumSpan: Double = 1, yMinimumSpan: Double = 0.01
    ) -> String {
        let width = 1040.0, height = 400.0
        let left = 78.0, right = 40.0, top = 20.0, bottom = 58.0
        let xs = Axis(values: points.map(\.x) + [0], minimumSpan: xMinimumSpan)
        // Room above the reference line for its label.
        let headroom = reference.map { [$0.y * 1.05] } ?? []
        let ys = Axis(values: points.map(\.y) + [0] + headroom, minimumSpan: yMinimumSpan)
        func px(_ x: Double) -> Double { left + (x - xs.low) / (xs.high - xs.low) * (width - left - right) }
        func py(_ y: Double) -> Double { height - bottom - (y - ys.low) / (ys.high - ys.low) * (height - top - bottom) }

        var parts: [String] = []
        for y in ys.ticks {
            parts.append(line(x1: left, y1: py(y), x2: width - right, y2: py(y), color: "#e8ebef"))
            parts.append(
                element(
                    "text", [("x", n(left - 8)), ("y", n(py(y) + 4)), ("text-anchor", "end"), ("class", "tick")],
                    escape(yTick(y, ys.step))))
        }
        for x in xs.ticks {
            parts.append(line(x1: px(x), y1: top, x2: px(x), y2: height - bottom, color: "#f0f2f5"))
            parts.append(centeredText(xTick(x, xs.step), x: px(x), y: height - bottom + 18, className: "tick"))
        }
        parts.append(line(x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, color: "#9aa3ad"))
        parts.append(line(x1: left, y1: top, x2: left, y2: height - bottom, color: "#9aa3ad"))
        parts.append(centeredText(xLabel, x: (left + width - right) / 2, y: height - 14, className: "axis-label"))
        parts.append(
            element(
                "text",
                [
                    ("transform", "translate(18 \(n((top + height - bottom) / 2))) rotate(-90)"),
                    ("text-anchor", "middle"), ("class", "axis-label"),
                ], escape(yLabel)))
        if let reference {
            let y = py(reference.y)
            parts.append(
                emptyElement(
                    "line",
                    [
                        ("x1", n(left)), ("y1", n(y)), ("x2", n(width - right)), ("y2", n(y)), ("stroke", "#c98a00"),
                        ("stroke-width", "1.5"), ("stroke-dasharray", "6 4"),
                    ]))
            parts.append(
                element(
                    "text", [("x", n(width - right - 4)), ("y", n(y - 6)), ("text-anchor", "end"), ("class", "ref-label")],
                    escape(reference.label)))
        }
        let path = points.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
        parts.append(
            emptyElement(
                "polyline", [("points", path), ("fill", "none"), ("stroke", palette[0]), ("stroke-width", "2.5")]))
        for point in points {
            parts.append(
                element(
                    "circle",
                    [
                        ("cx", n(px(point.x))), ("cy", n(py(point.y))), ("r", "5"), ("fill", "#fff"),
                        ("stroke", palette[0]), ("stroke-width", "2.5"),
                    ], element("title", [], escape(point.tooltip))))
        }
        return element(
            "svg",
            [
                ("viewBox", "0 0 \(n(width)) \(n(height))"), ("width", n(width)), ("height", n(height)), ("role", "img"),
                ("aria-label", "\(yLabel) against \(xLabel)"),
            ], parts.joined(separator: "\n"))
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, color: String) -> String {
        emptyElement(
            "line", [("x1", n(x1)), ("y1", n(y1)), ("x2", n(x2)), ("y2", n(y2)), ("stroke", color), ("stroke-width", "1")])
    }

    /// A linear axis over some values: rounded ends and about five ticks at 1, 2 or 5 × 10^k,
    /// spanning at least `minimumSpan` (when all values are equal).
    struct Axis {
        let low: Double
        let high: Double
        let step: Double

        init(values: [Double], minimumSpan: Double = 1) {
            let finite = values.filter(\.isFinite)
            var low = finite.min() ?? 0, high = finite.max() ?? 1
            if high - low < minimumSpan { high = low + minimumSpan }
            let raw = (high - low) / 5
            let magnitude = pow(10, floor(log10(raw)))
            let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.999 } ?? 10 * magnitude
            low = floor(low / step + 1e-9) * step
            high = ceil(high / step - 1e-9) * step
            self.low = low
            self.high = high
            self.step = step
        }

        var ticks: [Double] {
            let count = Int(((high - low) / step).rounded())
            return (0...count).map { low + Double($0) * step }
        }
    }

    /// A dollar tick: whole dollars when the step allows, cents otherwise.
    static func moneyTick(_ x: Double, step: Double) -> String {
        let text = Money.format(x)
        return step >= 1 && text.hasSuffix(".00") ? String(text.dropLast(3)) : text
    }

    /// A percentage tick with as few decimals as the step needs.
    static func percentTick(_ fraction: Double, step: Double) -> String {
        func isWhole(_ x: Double) -> Bool { abs(x - x.rounded()) < 1e-6 }
        var places = 0
        while places < 4 && !isWhole(step * 100 * pow(10, Double(places))) { places += 1 }
        return Money.percent(fraction, places: places)
    }
}
