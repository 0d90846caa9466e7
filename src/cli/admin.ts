import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createOfficer } from '../domain/officer.service';
import { importUnits, parseUnitCsv } from '../domain/unit-import';
import { UsageError, withDatabase } from './run';

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  create-officer --phone P --password W --name N --role ROLE --unit UNIT_CODE
      ROLE is GRID_WORKER, OFFICER, SUPERVISOR or ADMIN; UNIT_CODE an imported unit's code.
  import-units FILE.csv
      CSV (UTF-8) with the header code,name,kind,parent_code; all-or-nothing; known codes are updated.

Uses DATABASE_URL, or the embedded database in DATA_DIR (default .data), like npm start.`;

const [command, ...rest] = process.argv.slice(2);

void withDatabase(USAGE, async (orm) => {
  const em = orm.em.fork();
  switch (command) {
    case 'create-officer': {
      const { values } = parseArgs({
        args: rest,
        options: {
          phone: { type: 'string' },
          password: { type: 'string' },
          name: { type: 'string' },
          role: { type: 'string' },
          unit: { type: 'string' },
        },
        strict: true,
      });
      const missing = ['phone', 'password', 'name', 'role', 'unit'].filter((k) => !values[k as keyof typeof values]);
      if (missing.length) throw new UsageError(`create-officer: missing ${missing.map((m) => `--${m}`).join(', ')}`);
      const officer = await createOfficer(em, {
        phone: values.phone!,
        password: values.password!,
        name: values.name!,
        role: values.role!,
        unitCode: values.unit!,
      });
      console.log(`Created officer #${officer.id} ${officer.name} (${officer.role}) at ${values.unit}; log in with phone ${officer.phone}.`);
      return;
    }
    case 'import-units': {
      if (rest.length !== 1) throw new UsageError('import-units: give exactly one CSV file');
      let buf: Buffer;
      try {
        buf = await readFile(rest[0]);
      } catch (err) {
        throw new UsageError(`import-units: cannot read ${rest[0]} (${(err as NodeJS.ErrnoException).code})`);
      }
      const result = await importUnits(em, parseUnitCsv(buf));
      console.log(`Imported ${rest[0]}: ${result.created} units created, ${result.updated} updated.`);
      return;
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
  }
});
