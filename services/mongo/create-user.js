/* global db, print -- mongosh globals */
// Runs once, when the MongoDB 7 container initialises an empty data volume (docker-entrypoint-initdb.d).
// It creates the same login the no-Docker engine has (from <SERVICES_DIR>/mongo-credentials.json, passed in by
// `npm run services -- up --mode docker`), because the project fills those credentials into a loopback MONGODB_URI.
// Without them (a bare `docker compose up`) it creates nothing, and the server runs without authentication.
const user = process.env.ERP_MONGO_USER;
const pwd = process.env.ERP_MONGO_PASSWORD;
if (user && pwd) {
  db.getSiblingDB('admin').createUser({ user, pwd, roles: ['root'] });
  print(`created user ${user}`);
} else {
  print('ERP_MONGO_USER/ERP_MONGO_PASSWORD not set: no user created');
}
