/// The PLAN object of docs/output.md, each object's fields written once, into any ``JSONSink``: a
/// ``JSONValue`` tree for `plan`, `compare`, `preview` and `frontier` (``JSONValue/build(_:)``), or
/// straight into the bytes of a line for `batch` (``JSONLineWriter``).
extension PlanReport {
    /// The PLAN as `compare` and `batch` list it (their top level states the assumptions once).
    public var json: JSONValue { json(withAssumptions: false) }

    /// The PLAN; `plan --format json` prints it with `"assumptions"` last.
    public func json(withAssumptions: Bool) -> JSONValue {
        .build { write(to: &$0, withAssumptions: withAssumptions) }
    }
}

extension PlanNote {
    /// `{"kind": "nearLongTerm", "account", "symbol", ["id",] "acquired", "longTermOn",
    /// "taxSavedByWaiting"}`, `{"kind": "doNotRebuyUntil", "symbol", ["identical",] "until"}`,
    /// `{"kind": "blocked", "symbol", "until"}`.
    public var json: JSONValue { .build { write(to: &$0) } }
}

extension Assumptions {
    /// `{"shortTermRate", "longTermRate", "ordinaryOffsetLimit", "realizedThisYear": {...},
    /// "carryforwardLoss": {...}, "tradingCost", "defaults": [keys not given by the scenario]}`.
    public var json: JSONValue { .build { write(to: &$0) } }
}

extension PlanReport.Trade {
    var json: JSONValue { .build { write(to: &$0) } }
}

extension PlanReport.Summary {
    var json: JSONValue { .build { write(to: &$0) } }
}


extension PlanReport {
    /// The PLAN's fields (with `"assumptions"` last when asked).
    func write<Sink: JSONSink & ~Copyable>(to w: inout Sink, withAssumptions: Bool = false) {
        w.beginObject()
        w.key("strategy")
        w.string(strategy.name)
        w.key("status")
        w.string(status.name)
        if !status.isOptimal {
            w.key("message")
            w.string(status.description)
        }
        w.key("trades")
        w.beginArray()
        for trade in trades { trade.write(to: &w) }
        w.endArray()
        w.key("summary")
        summary.write(to: &w)
        w.key("notes")
        w.beginArray()
        for note in notes { note.write(to: &w) }
        w.endArray()
        if withAssumptions {
            w.key("assumptions")
            assumptions.write(to: &w)
        }
        w.endObject()
    }
}

extension PlanNote {
    func write<Sink: JSONSink & ~Copyable>(to w: inout Sink) {
        w.beginObject()
        w.key("kind")
        w.string(kind)
        switch self {
        case .nearLongTerm(let account, let symbol, let id, let acquired, let longTermOn, let saved):
            w.key("account")
            w.string(account)
            w.key("symbol")
            w.string(symbol)
            if let id {
                w.key("id")
                w.string(id)
            }
            w.key("acquired")
            w.day(acquired)
            w.key("longTermOn")
            w.day(longTermOn)
            w.key("taxSavedByWaiting")
            w.money(saved)
        case .doNotRebuyUntil(let symbol, let group, let until):
            w.key("symbol")
            w.string(symbol)
            if group.count > 1 {
                w.key("identical")
                w.beginArray()
                for member in group { w.string(member) }
                w.endArray()
            }
            w.key("until")
            w.day(until)
        case .blocked(let symbol, let until):
            w.key("symbol")
            w.string(symbol)
            w.key("until")
            w.day(until)
        }
        w.endObject()
    }
}

extension Assumptions {
    func write<Sink: JSONSink & ~Copyable>(to w: inout Sink) {
        func terms(_ key: StaticString, _ t: TermAmounts) {
            w.key(key)
            w.beginObject()
            w.key("shortTerm")
            w.money(t.shortTerm)
            w.key("longTerm")
            w.money(t.longTerm)
            w.endObject()
        }
        w.beginObject()
        w.key("shortTermRate")
        w.decimal(settings.shortTermRate)
        w.key("longTermRate")
        w.decimal(settings.longTermRate)
        w.key("ordinaryOffsetLimit")
        w.money(settings.ordinaryOffsetLimit)
        terms("realizedThisYear", settings.realizedThisYear)
        terms("carryforwardLoss", settings.carryforwardLoss)
        w.key("tradingCost")
        w.decimal(settings.tradingCost)
        w.key("defaults")
        w.beginArray()
        for key in defaults { w.string(key.rawValue) }
        w.endArray()
        w.endObject()
    }
}

extension PlanReport.Trade {
    func write<Sink: JSONSink & ~Copyable>(to w: inout Sink) {
        w.beginObject()
        w.key("account")
        w.string(account)
        w.key("symbol")
        w.string(symbol)
        w.key("action")
        w.string(action.rawValue)
        w.key("shares")
        w.decimal(shares)
        w.key("amount")
        w.money(amount)
        if action == .sell {
            w.key("lots")
            w.beginArray()
            for lot in lots { lot.write(to: &w) }
            w.endArray()
        }
        w.endObject()
    }
}

extension PlanReport.SoldLot {
    func write<Sink: JSONSink & ~Copyable>(to w: inout Sink) {
        w.beginObject()
        if let id {
            w.key("id")
            w.string(id)
        }
        w.key("acquired")
        w.day(acquired)
        w.key("shares")
        w.decimal(shares)
        w.key("gain")
        w.money(gain)
        w.key("term")
        w.word(isLongTerm ? "long" : "short")
        if isDisallowed {
            w.key("washSale")
            w.bool(true)
        }
        if !isTaxable {
            w.key("taxable")
            w.bool(false)
        }
        w.endObject()
    }
}

extension PlanReport.Summary {
    func write<Sink: JSONSink & ~Copyable>(to w: inout Sink) {
        func terms(_ key: StaticString, _ shortTerm: Double, _ longTerm: Double) {
            w.key(key)
            w.beginObject()
            w.key("shortTerm")
            w.money(shortTerm)
            w.key("longTerm")
            w.money(longTerm)
            w.endObject()
        }
        w.beginObject()
        w.key("driftBefore")
        w.decimal(driftBefore)
        w.key("driftAfter")
        w.decimal(driftAfter)
        w.key("misallocatedBefore")
        w.money(misallocatedBefore)
        w.key("misallocatedAfter")
        w.money(misallocatedAfter)
        w.key("turnover")
        w.money(turnover)
        terms("realized", realizedShortTerm, realizedLongTerm)
        w.key("lotTax")
        w.money(lotTax)
        w.key("estimatedTax")
        w.money(estimatedTax)
        terms("carryforwardAfter", carryforwardAfter.shortTerm, carryforwardAfter.longTerm)
        w.key("cashAfter")
        w.beginObject()
        for cash in cashAfter {
            w.key(named: cash.account)
            w.money(cash.amount)
        }
        w.endObject()
        w.endObject()
    }
}
