import LinearProgramming

/// A sparse matrix by rows: the one copy of the matrix kept beside GLPK's (the scale factors and
/// sifting's prices read it; GLPK's own copy is loaded from it row by row).
struct SparseRows {
    /// Row i's entries are `start[i]..<start[i + 1]`.
    private(set) var start: [Int] = [0]
    /// 0-based column of each entry.
    private(set) var column: [Int] = []
    /// a of each entry (never 0). Scaling reads |a|, sifting prices columns with a.
    private(set) var value: [Double] = []

    var count: Int { start.count - 1 }

    init() {}

    /// The matrix of `rows` (each merged: no repeated column, no zero), written in one go: a
    /// new problem's matrix, loaded entry by entry, spent most of its time (outside GLPK) in
    /// the arrays' checks of every append.
    init(rows: [[Term]]) {
        let entries = rows.reduce(0) { $0 + $1.count }
        start = Array(unsafeUninitializedCapacity: rows.count + 1) { buffer, count in
            buffer[0] = 0
            for (i, row) in rows.enumerated() { buffer[i + 1] = buffer[i] + row.count }
            count = rows.count + 1
        }
        column = Array(unsafeUninitializedCapacity: entries) { buffer, count in
            for row in rows {
                for term in row {
                    buffer[count] = term.variable.index
                    count += 1
                }
            }
        }
        value = Array(unsafeUninitializedCapacity: entries) { buffer, count in
            for row in rows {
                for term in row {
                    buffer[count] = term.coefficient
                    count += 1
                }
            }
        }
    }

    /// The matrix of these arrays, as the properties hold them.
    init(start: [Int], column: [Int], value: [Double]) {
        self.start = start
        self.column = column
        self.value = value
    }

    /// A row (merged: no repeated column, no zero) after the others.
    mutating func append(_ terms: [Term]) {
        column.append(contentsOf: terms.lazy.map(\.variable.index))
        value.append(contentsOf: terms.lazy.map(\.coefficient))
        start.append(column.count)
    }
}

/// GLPK's automatic scaling (`glp_scale_prob(P, GLP_SF_AUTO)`: geometric-mean passes, then
/// equilibration, skipped when the matrix is already well scaled), computed here on flat arrays.
///
/// Why: GLPK recomputes the factors from scratch on every call, walking its linked lists through
/// its API up to fifteen times; before every solve that was more than a third of a batch's
/// instructions. The arithmetic below is GLPK's own (glpscl.c), operation for operation — the
/// same products, quotients, square roots, comparisons and order of passes — so the factors are
/// bit-identical (a minimum or maximum does not depend on the order of the entries; a row's
/// range is only reused while no factor it reads has changed). Debug builds check every result
/// against `glp_scale_prob` itself (`GLPKProblem.checkScaling`).
struct GLPKScaling {
    /// The factors of the rows and of the columns.
    struct Factors {
        var row: [Double]
        var column: [Double]
    }

    /// scale_prob(GLP_SF_GM | GLP_SF_EQ | GLP_SF_SKIP) after glp_unscale_prob.
    static func factors(_ matrix: SparseRows, columns n: Int) -> Factors {
        matrix.start.withUnsafeBufferPointer { start in
            matrix.column.withUnsafeBufferPointer { column in
                matrix.value.withUnsafeBufferPointer { value in
                    var work = Work(rows: matrix.count, start: start, column: column, value: value, columns: n)
                    defer { work.deallocate() }
                    return work.run()
                }
            }
        }
    }

    /// One side of the matrix, its rows or its columns, on flat buffers: each line's entries
    /// (`start[i]..<start[i + 1]` of `index`, the other side's line, and `magnitude`, |a|), its
    /// factors, and each line's (min, max) scaled |a| (min_row_aij and max_row_aij for rows, 1 and
    /// 1 for an empty line), valid while `current`. The rows read the matrix's own `start` and
    /// `index`; every other buffer is the side's own.
    private struct Side {
        let count: Int
        let start: UnsafeBufferPointer<Int>
        let index: UnsafeBufferPointer<Int>
        let magnitude: UnsafeMutablePointer<Double>
        let owned: Bool
        let factor: UnsafeMutablePointer<Double>
        let lo: UnsafeMutablePointer<Double>
        let hi: UnsafeMutablePointer<Double>
        /// Whether some line has no entry.
        let hasEmptyLine: Bool
        var current = false

        init(count: Int, start: UnsafeBufferPointer<Int>, index: UnsafeBufferPointer<Int>, magnitude: UnsafeMutablePointer<Double>, owned: Bool) {
            self.count = count
            self.start = start
            self.index = index
            self.magnitude = magnitude
            self.owned = owned
            factor = buffer(count, 1.0)
            lo = buffer(count, 1.0)
            hi = buffer(count, 1.0)
            hasEmptyLine = (0..<count).contains { start[$0] == start[$0 + 1] }
        }

        func deallocate() {
            if owned {
                start.deallocate()
                index.deallocate()
            }
            magnitude.deallocate()
            factor.deallocate()
            lo.deallocate()
            hi.deallocate()
        }

        /// Line i's least and largest |a|·(own·other) (1 and 1 for an empty line): the first
        /// entry's value, then the least and the largest with each of the others (GLPK's
        /// `min > t` and `max < t`: where they keep the old value, it equals t). (|a|·(own·other):
        /// the product GLPK forms, as multiplication commutes exactly.)
        @inline(__always)
        func range(_ i: Int, across other: UnsafeMutablePointer<Double>) -> (lo: Double, hi: Double) {
            var k = start[i]
            let end = start[i + 1]
            guard k < end else { return (1, 1) }
            let f = factor[i]
            var low = magnitude[k] * (f * other[index[k]]), high = low
            k += 1
            while k < end {
                let t = magnitude[k] * (f * other[index[k]])
                // (In this form, x86's minsd and maxsd: a branch or a tuple here made the
                // compiler pair the two in vector registers, twice the instructions.)
                low = low < t ? low : t
                high = high > t ? high : t
                k += 1
            }
            return (low, high)
        }

        /// Each line's range, with the other side's factors (`across`).
        mutating func update(across other: UnsafeMutablePointer<Double>) {
            guard !current else { return }
            for i in 0..<count { (lo[i], hi[i]) = range(i, across: other) }
            current = true
        }

        /// The least lo and the largest hi over the non-empty lines, nil if there are none; the
        /// ranges must be current.
        func extent() -> (lo: Double, hi: Double)? {
            var extent: (lo: Double, hi: Double)?
            for i in 0..<count where start[i] < start[i + 1] {
                if let e = extent {
                    extent = (e.lo < lo[i] ? e.lo : lo[i], e.hi > hi[i] ? e.hi : hi[i])
                } else {
                    extent = (lo[i], hi[i])
                }
            }
            return extent
        }

        /// The largest hi/lo of a line (max_row_ratio, max_col_ratio); the ranges must be current.
        func largestRatio() -> Double {
            var ratio = 1.0
            for i in 0..<count {
                let t = hi[i] / lo[i]
                if i == 0 || ratio < t { ratio = t }
            }
            return ratio
        }

        /// A line's factor divided by the geometric mean of its range (`geometric`), else by
        /// its largest entry.
        @inline(__always)
        func divide(_ i: Int, by range: (lo: Double, hi: Double), geometric: Bool) {
            factor[i] = factor[i] / (geometric ? (range.lo * range.hi).squareRoot() : range.hi)
        }

        /// One pass from the ranges, which must be current; they are not after.
        mutating func scaleByRanges(geometric: Bool) {
            for i in 0..<count { divide(i, by: (lo[i], hi[i]), geometric: geometric) }
            current = false
        }

        /// One pass, each line's range worked out as it is scaled (and not kept).
        mutating func scale(across other: UnsafeMutablePointer<Double>, geometric: Bool) {
            for i in 0..<count { divide(i, by: range(i, across: other), geometric: geometric) }
            current = false
        }
    }

    /// The computation on flat buffers (it runs before most solves of a batch: written for speed,
    /// with no bounds checks or closures in the loops over the entries). The order of GLPK's
    /// passes and each pass's arithmetic are GLPK's; a pass reads the ranges another worked out
    /// only while no factor they depend on has changed.
    private struct Work {
        var rows: Side
        var columns: Side

        /// The rows are the matrix's arrays (read only); the columns are built from them.
        init(rows m: Int, start: UnsafeBufferPointer<Int>, column: UnsafeBufferPointer<Int>, value: UnsafeBufferPointer<Double>, columns n: Int) {
            let entries = start[m]
            let rowMagnitude = buffer(entries, 0.0)
            for k in 0..<entries { rowMagnitude[k] = value[k].magnitude }
            rows = Side(count: m, start: start, index: column, magnitude: rowMagnitude, owned: false)
            let columnStart = buffer(n + 1, 0)
            let columnIndex = buffer(entries, 0)
            let columnMagnitude = buffer(entries, 0.0)
            for k in 0..<entries { columnStart[column[k] + 1] += 1 }
            for j in 0..<n { columnStart[j + 1] += columnStart[j] }
            let next = buffer(n + 1, 0)
            for j in 0...n { next[j] = columnStart[j] }
            for i in 0..<m {
                for k in start[i]..<start[i + 1] {
                    let j = column[k], p = next[j]
                    columnIndex[p] = i
                    columnMagnitude[p] = rowMagnitude[k]
                    next[j] = p + 1
                }
            }
            next.deallocate()
            columns = Side(count: n, start: UnsafeBufferPointer(start: columnStart, count: n + 1), index: UnsafeBufferPointer(start: columnIndex, count: entries), magnitude: columnMagnitude, owned: true)
        }

        func deallocate() {
            rows.deallocate()
            columns.deallocate()
        }

        /// min_mat_aij and max_mat_aij: the least and largest scaled |a|, and 1 when a row is
        /// empty (GLPK goes through the rows, and an empty row's range is 1 and 1); 1 and 1 with
        /// no entries. Worked out from the rows' ranges or from the columns' (`byColumns`: the
        /// same products, as |a|·(r·s) = |a|·(s·r) exactly, so the same least and largest),
        /// from the side scaled next, which then needs no pass of its own.
        mutating func matrixRange(byColumns: Bool) -> (lo: Double, hi: Double) {
            let extent: (lo: Double, hi: Double)?
            if byColumns {
                columns.update(across: rows.factor)
                extent = columns.extent()
            } else {
                rows.update(across: columns.factor)
                extent = rows.extent()
            }
            guard let extent else { return (1, 1) }
            guard rows.hasEmptyLine else { return extent }
            return (extent.lo > 1 ? 1 : extent.lo, extent.hi < 1 ? 1 : extent.hi)
        }

        /// max_row_ratio(lp) > max_col_ratio(lp): GLPK's flag, rows scaled on the second pass.
        mutating func rowsLast() -> Bool {
            rows.update(across: columns.factor)
            columns.update(across: rows.factor)
            return rows.largestRatio() > columns.largestRatio()
        }

        /// gm_scaling (`geometric`) or eq_scaling: the rows then the columns, or the other way
        /// round (`rowsLast`).
        mutating func scale(rowsLast: Bool, geometric: Bool) {
            if rowsLast {
                Self.scale(&columns, then: &rows, geometric: geometric)
            } else {
                Self.scale(&rows, then: &columns, geometric: geometric)
            }
        }

        /// A factor changed leaves no range current.
        private static func scale(_ first: inout Side, then second: inout Side, geometric: Bool) {
            first.update(across: second.factor)
            first.scaleByRanges(geometric: geometric)
            second.scale(across: first.factor, geometric: geometric)
        }

        mutating func run() -> Factors {
            // Well scaled already (every |a| within [0.1, 10]): GLP_SF_SKIP leaves every factor 1.
            let (least, most) = matrixRange(byColumns: false)
            if !(least >= 0.10 && most <= 10.0) {
                // gm_iterate(lp, 15, 0.90), each step gm_scaling: rows and columns by the
                // geometric mean of their range.
                let gmRowsLast = rowsLast()
                var ratio = 0.0
                for k in 1...15 {
                    let previous = ratio
                    let (least, most) = matrixRange(byColumns: gmRowsLast)
                    ratio = most / least
                    if k > 1 && ratio > 0.90 * previous { break }
                    scale(rowsLast: gmRowsLast, geometric: true)
                }
                // eq_scaling: rows and columns by their largest entry.
                scale(rowsLast: rowsLast(), geometric: false)
            }
            return Factors(
                row: Array(UnsafeBufferPointer(start: rows.factor, count: rows.count)),
                column: Array(UnsafeBufferPointer(start: columns.factor, count: columns.count)))
        }
    }
}

/// A buffer of `count` values (at least one, so that an empty side still allocates), all `value`.
private func buffer<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
    let b = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
    b.initialize(repeating: value, count: max(count, 1))
    return b
}
