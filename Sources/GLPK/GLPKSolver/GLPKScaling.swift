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
    /// (`start[i]..<start[i + 1]` of `index`, the other side's line, and `entry`, the signed a
    /// whose magnitude is read), its factors, and each line's (min, max) scaled |a| (min_row_aij
    /// and max_row_aij for rows, 1 and 1 for an empty line), valid while `current`. The rows read
    /// the matrix's own arrays; the columns' transposed copy is the side's own (`owned`).
    private struct Side {
        let count: Int
        let start: UnsafeBufferPointer<Int>
        let index: UnsafeBufferPointer<Int>
        let entry: UnsafeBufferPointer<Double>
        let owned: Bool
        let factor: UnsafeMutableBufferPointer<Double>
        let lo: UnsafeMutableBufferPointer<Double>
        let hi: UnsafeMutableBufferPointer<Double>
        var current = false

        init(count: Int, start: UnsafeBufferPointer<Int>, index: UnsafeBufferPointer<Int>, entry: UnsafeBufferPointer<Double>, owned: Bool) {
            self.count = count
            self.start = start
            self.index = index
            self.entry = entry
            self.owned = owned
            factor = buffer(count, 1.0)
            lo = buffer(count, 1.0)
            hi = buffer(count, 1.0)
        }

        func deallocate() {
            if owned {
                for b in [start, index] { b.deallocate() }
                entry.deallocate()
            }
            for b in [factor, lo, hi] { b.deallocate() }
        }

        /// Each line's range, scaled by its own factor and the other side's (`across`).
        /// (|a|·(own·other): the product GLPK forms, as multiplication commutes exactly.)
        mutating func update(across other: UnsafeMutableBufferPointer<Double>) {
            guard !current else { return }
            for i in 0..<count {
                let f = factor[i], first = start[i], end = start[i + 1]
                guard first < end else {
                    (lo[i], hi[i]) = (1, 1)
                    continue
                }
                // The first entry's value, then GLPK's `min > t` and `max < t` for the others.
                var low = entry[first].magnitude * (f * other[index[first]]), high = low
                var k = first + 1
                while k < end {
                    let t = entry[k].magnitude * (f * other[index[k]])
                    if t < low { low = t }
                    if t > high { high = t }
                    k += 1
                }
                lo[i] = low
                hi[i] = high
            }
            current = true
        }

        /// The least lo and largest hi over the lines (over the non-empty ones unless
        /// `emptyLines`), together with 1 if `orOne`; 1 and 1 if there is nothing to take them
        /// over. The ranges must be current.
        func range(emptyLines: Bool, orOne: Bool) -> (lo: Double, hi: Double) {
            var low = 1.0, high = 1.0, first = !orOne
            for i in 0..<count where emptyLines || start[i] < start[i + 1] {
                if first || low > lo[i] { low = lo[i] }
                if first || high < hi[i] { high = hi[i] }
                first = false
            }
            return (low, high)
        }

        /// Whether some line has no entry.
        var hasEmptyLine: Bool { (0..<count).contains { start[$0] == start[$0 + 1] } }

        /// The largest hi/lo of a line (max_row_ratio, max_col_ratio); the ranges must be current.
        func largestRatio() -> Double {
            var ratio = 1.0
            for i in 0..<count {
                let t = hi[i] / lo[i]
                if i == 0 || ratio < t { ratio = t }
            }
            return ratio
        }

        /// One pass: each factor divided by the geometric mean of its line's range (`geometric`),
        /// else by its largest entry. The ranges must be current; they are not after.
        func scale(geometric: Bool) {
            for i in 0..<count {
                let divisor = geometric ? (lo[i] * hi[i]).squareRoot() : hi[i]
                factor[i] = factor[i] / divisor
            }
        }
    }

    /// The computation on flat buffers (it runs before most solves of a batch: written for speed,
    /// with no bounds checks or closures in the loops over the entries).
    private struct Work {
        var rows: Side
        var columns: Side

        /// The rows are the matrix's arrays (read only); the columns are built from them.
        init(rows m: Int, start: UnsafeBufferPointer<Int>, column: UnsafeBufferPointer<Int>, value: UnsafeBufferPointer<Double>, columns n: Int) {
            let entries = start[m]
            rows = Side(count: m, start: start, index: column, entry: value, owned: false)
            let columnStart = buffer(n + 1, 0)
            let columnIndex = buffer(entries, 0)
            let columnEntry = buffer(entries, 0.0)
            for k in 0..<entries { columnStart[column[k] + 1] += 1 }
            for j in 0..<n { columnStart[j + 1] += columnStart[j] }
            let next = buffer(n + 1, 0)
            for j in 0...n { next[j] = columnStart[j] }
            for i in 0..<m {
                for k in start[i]..<start[i + 1] {
                    let j = column[k]
                    columnIndex[next[j]] = i
                    columnEntry[next[j]] = value[k]
                    next[j] += 1
                }
            }
            next.deallocate()
            columns = Side(count: n, start: UnsafeBufferPointer(columnStart), index: UnsafeBufferPointer(columnIndex), entry: UnsafeBufferPointer(columnEntry), owned: true)
        }

        func deallocate() {
            rows.deallocate()
            columns.deallocate()
        }

        /// min_mat_aij and max_mat_aij: the least and largest scaled |a|, and 1 when a row is
        /// empty (GLPK goes through the rows, and an empty row's range is 1 and 1); 1 and 1 with
        /// no rows. Worked out from the columns' ranges (`byColumns`: the same products, as
        /// |a|·(r·s) = |a|·(s·r) exactly, so the same least and largest) where the columns are
        /// scaled next, which then need no pass of their own.
        mutating func matrixRange(byColumns: Bool = false) -> (lo: Double, hi: Double) {
            guard byColumns else {
                rows.update(across: columns.factor)
                return rows.range(emptyLines: true, orOne: false)
            }
            columns.update(across: rows.factor)
            return columns.range(emptyLines: false, orOne: rows.hasEmptyLine)
        }

        /// max_row_ratio(lp) > max_col_ratio(lp): GLPK's flag, rows scaled on the second pass.
        mutating func rowsLast() -> Bool {
            rows.update(across: columns.factor)
            columns.update(across: rows.factor)
            return rows.largestRatio() > columns.largestRatio()
        }

        /// One pass of the rows (or columns): a factor changed leaves no range current.
        mutating func scaleRows(geometric: Bool) {
            rows.update(across: columns.factor)
            rows.scale(geometric: geometric)
            (rows.current, columns.current) = (false, false)
        }

        mutating func scaleColumns(geometric: Bool) {
            columns.update(across: rows.factor)
            columns.scale(geometric: geometric)
            (rows.current, columns.current) = (false, false)
        }

        mutating func run() -> Factors {
            // Well scaled already (every |a| within [0.1, 10]): GLP_SF_SKIP leaves every factor 1.
            let (least, most) = matrixRange()
            if !(least >= 0.10 && most <= 10.0) {
                // gm_iterate(lp, 15, 0.90), each step gm_scaling: rows and columns by the
                // geometric mean of their range. (A row's factor changes only its own range, so a
                // pass may use the ranges computed before it.)
                let gmRowsLast = rowsLast()
                var ratio = 0.0
                for k in 1...15 {
                    let previous = ratio
                    let (least, most) = matrixRange(byColumns: gmRowsLast)
                    ratio = most / least
                    if k > 1 && ratio > 0.90 * previous { break }
                    for pass in 0...1 {
                        if (pass == 1) == gmRowsLast { scaleRows(geometric: true) } else { scaleColumns(geometric: true) }
                    }
                }
                // eq_scaling: rows and columns by their largest entry.
                let eqRowsLast = rowsLast()
                for pass in 0...1 {
                    if (pass == 1) == eqRowsLast { scaleRows(geometric: false) } else { scaleColumns(geometric: false) }
                }
            }
            return Factors(row: Array(rows.factor.prefix(rows.count)), column: Array(columns.factor.prefix(columns.count)))
        }
    }
}

/// A buffer of `count` values (at least one, so that an empty side still allocates), all `value`.
private func buffer<T>(_ count: Int, _ value: T) -> UnsafeMutableBufferPointer<T> {
    let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(count, 1))
    b.initialize(repeating: value)
    return b
}
