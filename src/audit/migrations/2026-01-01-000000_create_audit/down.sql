DROP TABLE writers;
DROP TABLE artifacts;
DROP TABLE operations;
DROP TABLE transactions;
