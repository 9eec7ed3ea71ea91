/// The pipeline behind each service's narrow protocol: each service sees only what it needs.
extension Pipeline: OutboxPort {}
extension Pipeline: StatusSource {}
extension Pipeline: SilenceAdmin {}
extension Pipeline: AlertAcknowledger {}
extension Pipeline: Reloadable {}
