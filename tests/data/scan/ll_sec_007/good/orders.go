package orders

func MarkPaid(db *sql.DB, noOrder string) (bool, error) {
	res, err := db.Exec("UPDATE orders SET status = 'PAID' WHERE no_order = ? AND status = 'PENDING'", noOrder)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
