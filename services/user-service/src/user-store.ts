import { ensureTable, isoTimestamp, type ServiceDatabase, type SqlClient } from '@msa-sync/service-runtime';

export interface UserRow {
  userId: string;
  email: string;
  name: string;
  encryptedPwd: string;
  createdAt: string | null;
}

export class EmailTakenError extends Error {
  constructor() {
    super('email taken');
    this.name = 'EmailTakenError';
  }
}

/** The `users` table in the shared database; user-service owns it (order-service only reads ids). */
export class UserStore {
  static readonly TABLE = 'users';
  readonly #db: ServiceDatabase;
  readonly #client: SqlClient;

  constructor(db: ServiceDatabase, client: SqlClient) {
    this.#db = db;
    this.#client = client;
  }

  async ensureSchema(): Promise<void> {
    const s = this.#db.sql;
    const ddl = s.createTable(UserStore.TABLE, [
      `${s.id('user_id')} ${s.varchar(50)} NOT NULL PRIMARY KEY`,
      `${s.id('email')} ${s.varchar(100)} NOT NULL UNIQUE`,
      `${s.id('name')} ${s.varchar(50)} NOT NULL`,
      `${s.id('encrypted_pwd')} ${s.varchar(255)} NOT NULL`,
      `${s.id('created_at')} ${s.timestamp} NOT NULL ${s.nowDefault}`,
    ]);
    await ensureTable(this.#client, ddl);
  }

  async insert(user: { userId: string; email: string; name: string; encryptedPwd: string }): Promise<void> {
    const s = this.#db.sql;
    try {
      await this.#client.execute(
        `INSERT INTO ${s.id(UserStore.TABLE)} (${s.id('user_id')}, ${s.id('email')}, ${s.id('name')}, ${s.id('encrypted_pwd')}) VALUES (${s.params(4)})`,
        [user.userId, user.email, user.name, user.encryptedPwd],
      );
    } catch (error) {
      if (this.#db.dialect.isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
  }

  async byId(userId: string): Promise<UserRow | undefined> {
    return (await this.#select(`${this.#db.sql.id('user_id')} = ${this.#db.sql.p(1)}`, [userId]))[0];
  }

  async byEmail(email: string): Promise<UserRow | undefined> {
    return (await this.#select(`${this.#db.sql.id('email')} = ${this.#db.sql.p(1)}`, [email]))[0];
  }

  async all(): Promise<UserRow[]> {
    return this.#select('1 = 1', []);
  }

  async #select(where: string, params: unknown[]): Promise<UserRow[]> {
    const s = this.#db.sql;
    const rows = await this.#client.query<Record<string, unknown>>(
      `SELECT ${s.id('user_id')} AS user_id, ${s.id('email')} AS email, ${s.id('name')} AS name,
              ${s.id('encrypted_pwd')} AS encrypted_pwd, ${s.id('created_at')} AS created_at
       FROM ${s.id(UserStore.TABLE)} WHERE ${where} ORDER BY ${s.id('created_at')}, ${s.id('user_id')}`,
      params,
    );
    return rows.map((r) => ({
      userId: String(r.user_id),
      email: String(r.email),
      name: String(r.name),
      encryptedPwd: String(r.encrypted_pwd),
      createdAt: isoTimestamp(r.created_at),
    }));
  }
}
