// A child that takes the controller's messages and never answers (tests: a hung start).
process.on('message', () => undefined);
