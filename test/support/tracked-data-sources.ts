import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * TypeORM's `dataSourceFactory` for `TypeOrmModule.forRootAsync` that remembers every DataSource it
 * opens, so a test can close them even when the app's boot failed. A boot can fail while a DataSource is
 * still initializing (another provider threw first): `closeAll` waits for those too, since one left
 * behind keeps its pool and may run its schema synchronization against the next test's app.
 */
export class TrackedDataSources {
  private readonly opening: Array<{ dataSource: DataSource; initialized: Promise<unknown> }> = [];

  readonly factory = async (options?: DataSourceOptions): Promise<DataSource> => {
    if (!options) throw new Error('TypeORM gave the dataSourceFactory no options');
    const dataSource = new DataSource(options);
    const initialized = dataSource.initialize();
    this.opening.push({ dataSource, initialized: initialized.catch(() => undefined) });
    return initialized;
  };

  async closeAll(): Promise<void> {
    const opening = this.opening.splice(0);
    await Promise.all(
      opening.map(async ({ dataSource, initialized }) => {
        await initialized;
        if (dataSource.isInitialized) await dataSource.destroy();
      }),
    );
  }
}
