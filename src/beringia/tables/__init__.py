"""Shipped data tables read and checked at the I/O boundary (deflators and exchange rates)."""
