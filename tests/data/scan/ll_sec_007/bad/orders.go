package orders

func MarkPaid(db *sql.DB, noOrder string) error {
	_, err := db.Exec("UPDATE orders SET status = 'PAID' WHERE no_order = ?", noOrder) // expect: LL-SEC-007
	return err
}
