DROP TABLE availability;
DROP TABLE booking_types;
