/// A scenario written back as docs/scenario-format.md's JSON (used by `generate`).
extension Scenario {
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = []
        if let name { fields.append(("name", .string(name))) }
        fields.append(("asOf", .string(asOf.description)))
        fields.append(("tax", tax.json))
        if !identicalGroups.isEmpty {
            let groups = JSONValue.array(identicalGroups.map { .array($0.map { .string($0) }) })
            fields.append(("washSale", .object([("identical", groups)])))
        }
        if !recentSales.isEmpty {
            fields.append(
                (
                    "recentSales",
                    .array(
                        recentSales.map { sale in
                            .object([
                                ("account", .string(sale.account)), ("symbol", .string(sale.symbol)),
                                ("shares", .number(Self.number(sale.shares))), ("loss", .number(Self.number(sale.loss))),
                                ("sold", .string(sale.sold.description)),
                            ])
                        })
                ))
        }
        fields.append(("prices", .object(prices.keys.sorted().map { ($0, .number(Self.number(prices[$0]!))) })))
        if let pie { fields.append(("pie", pie.json(weight: nil))) }
        fields.append(("accounts", .array(accounts.map(\.json))))
        if let strategies { fields.append(("strategies", .array(strategies.map { .string($0.name) }))) }
        return .object(fields)
    }

    /// Shortest text that reads back as the same Double.
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }
}

extension TaxSettings {
    var json: JSONValue {
        func pair(_ t: TermAmounts) -> JSONValue {
            .object([("shortTerm", .number(Scenario.number(t.shortTerm))), ("longTerm", .number(Scenario.number(t.longTerm)))])
        }
        var fields: [(String, JSONValue)] = [
            ("shortTermRate", .number(Scenario.number(shortTermRate))),
            ("longTermRate", .number(Scenario.number(longTermRate))),
            ("realizedThisYear", pair(realizedThisYear)),
            ("carryforwardLoss", pair(carryforwardLoss)),
            ("ordinaryOffsetLimit", .number(Scenario.number(ordinaryOffsetLimit))),
        ]
        // Written only when set, so that files written before the key existed stay as they were.
        if tradingCost != TaxSettings.defaultTradingCost {
            fields.append(("tradingCost", .number(Scenario.number(tradingCost))))
        }
        return .object(fields)
    }
}

extension Pie {
    func json(weight: Double?) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        if let name { fields.append(("name", .string(name))) }
        if let weight { fields.append(("weight", .number(Scenario.number(weight)))) }
        fields.append(
            (
                "slices",
                .array(
                    slices.map { slice in
                        switch slice.content {
                        case .symbol(let symbol):
                            .object(
                                [("symbol", .string(symbol)), ("weight", .number(Scenario.number(slice.weight)))]
                                    + (slice.alternates.isEmpty
                                        ? [] : [("alternates", .array(slice.alternates.map { .string($0) }))]))
                        case .pie(let inner):
                            inner.json(weight: slice.weight)
                        }
                    })
            ))
        return .object(fields)
    }
}

extension Account {
    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", .string(id)), ("type", .string(type.rawValue)), ("cash", .number(Scenario.number(cash))),
        ]
        if flow != 0 { fields.append(("flow", .number(Scenario.number(flow)))) }
        if minCash != 0 { fields.append(("minCash", .number(Scenario.number(minCash)))) }
        if wholeShares { fields.append(("wholeShares", .bool(true))) }
        if minTrade != 0 { fields.append(("minTrade", .number(Scenario.number(minTrade)))) }
        if let pie { fields.append(("pie", pie.json(weight: nil))) }
        if let canBuy { fields.append(("canBuy", .array(canBuy.map { .string($0) }))) }
        fields.append(
            (
                "lots",
                .array(
                    lots.map { lot in
                        var f: [(String, JSONValue)] = []
                        if let id = lot.id { f.append(("id", .string(id))) }
                        f += [
                            ("symbol", .string(lot.symbol)), ("shares", .number(Scenario.number(lot.shares))),
                            ("costBasis", .number(Scenario.number(lot.costBasis))),
                            ("acquired", .string(lot.acquired.description)),
                        ]
                        if lot.doNotSell { f.append(("doNotSell", .bool(true))) }
                        return .object(f)
                    })
            ))
        return .object(fields)
    }
}
