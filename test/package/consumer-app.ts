/**
 * A small Nest app that uses the package the way a user does, as `import … from 'nestjs-jwt-devices'`:
 * TypeORM on in-memory SQLite with an entity of its own, users in memory, and the global set-up the
 * NestJS docs recommend: JwtDevicesAuthGuard as APP_GUARD and a strict ValidationPipe.
 * Its files are written into a temporary directory outside the repository, keyed by relative path.
 */
export const CONSUMER_APP_USER = { username: 'alice', password: 'alice-password-1' };

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    // The published declarations must type-check as they are, with every import they make.
    skipLibCheck: false,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src/**/*.ts'],
};

const users = `import type { JwtDevicesUser, JwtDevicesUserService } from 'nestjs-jwt-devices';

export interface AppUser extends JwtDevicesUser {
  id: number;
}

export class InMemoryUsers implements JwtDevicesUserService<AppUser> {
  private readonly users = [{ id: 1, ...${JSON.stringify(CONSUMER_APP_USER)} }];

  validateCredentials(username: string, password: string): AppUser | null {
    const user = this.users.find((candidate) => candidate.username === username && candidate.password === password);
    return user ? { id: user.id, username: user.username } : null;
  }

  findById(id: number): AppUser | null {
    const user = this.users.find((candidate) => candidate.id === id);
    return user ? { id: user.id, username: user.username } : null;
  }
}
`;

const appModule = `import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AllowAnonymous, CurrentDevice, CurrentUser, JwtDevicesAuthGuard, JwtDevicesModule, type Device } from 'nestjs-jwt-devices';
import { InMemoryUsers, type AppUser } from './users.js';

@Entity()
export class Note {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 200 })
  text!: string;
}

@Controller()
class AppController {
  @Get('me')
  me(@CurrentUser() user: AppUser, @CurrentDevice() device: Device | null): { username: string; device_id: number | null } {
    return { username: user.username, device_id: device?.id ?? null };
  }

  @Get('health')
  @AllowAnonymous()
  health(): { ok: true } {
    return { ok: true };
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', autoLoadEntities: true, synchronize: true }),
    TypeOrmModule.forFeature([Note]),
    JwtDevicesModule.forRoot({ secret: 'consumer-app-secret-of-at-least-32-bytes', userService: new InMemoryUsers() }),
  ],
  controllers: [AppController],
  providers: [{ provide: APP_GUARD, useClass: JwtDevicesAuthGuard }],
})
export class AppModule {}
`;

const main = `import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true }));
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;
console.log(\`listening on http://127.0.0.1:\${port}\`);
`;

export const CONSUMER_APP_FILES: Record<string, string> = {
  'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
  'src/users.ts': users,
  'src/app.module.ts': appModule,
  'src/main.ts': main,
};

/** What the app needs besides the package and its required peers. */
export const CONSUMER_APP_EXTRA_PACKAGES = ['@nestjs/platform-express', 'better-sqlite3', 'class-transformer', '@types/node'];
